/**
 * A bound on requests in flight per origin. A platform fanning a playbook out
 * over hundreds of scans would otherwise open hundreds of sockets to one vendor
 * host at once, and hold hundreds of got requests in memory; calls past the
 * bound wait here, as small promises, for a free slot. The wait counts against
 * the call's timeout_ms like everything else.
 */
export const MAX_IN_FLIGHT_PER_ORIGIN = 64;

export type Release = () => void;

class Slots {
  private active = 0;
  private readonly waiting: Array<(release: Release) => void> = [];

  constructor(private readonly size: number) {}

  /**
   * Resolves with a release function once a slot is free; undefined if none
   * freed up within timeoutMs, or when `signal` aborts the wait.
   */
  acquire(timeoutMs: number, signal?: AbortSignal): Promise<Release | undefined> {
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', leave);
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(undefined);
      };
      const grant = (release: Release) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', leave);
        resolve(release);
      };
      const timer = setTimeout(leave, timeoutMs);
      signal?.addEventListener('abort', leave, { once: true });
      this.waiting.push(grant);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(this.releaser());
      else this.active--;
    };
  }
}

const byOrigin = new Map<string, Slots>();

export function slotsFor(origin: string): Slots {
  let slots = byOrigin.get(origin);
  if (!slots) {
    slots = new Slots(MAX_IN_FLIGHT_PER_ORIGIN);
    byOrigin.set(origin, slots);
  }
  return slots;
}
