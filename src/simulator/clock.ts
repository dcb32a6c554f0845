/**
 * The simulator's sense of time. Scans progress as a pure function of the
 * clock, so a test that injects its own clock and advances it by hand gets
 * the same states, percentages and dates on every run.
 */

export interface SimulatorClock {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number;
}

export const systemClock: SimulatorClock = { now: () => Date.now() };

/** A clock that only moves when told to (tests). */
export interface TestClock extends SimulatorClock {
  advance(ms: number): void;
  set(ms: number): void;
}

/** Starts at `startMs` (default 2026-01-05T09:00:00Z) and stands still until advanced. */
export function createTestClock(startMs = Date.UTC(2026, 0, 5, 9, 0, 0)): TestClock {
  let current = startMs;
  return {
    now: () => current,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('a test clock only moves forward');
      current += ms;
    },
    set(ms: number) {
      if (!Number.isFinite(ms) || ms < current) throw new RangeError('a test clock only moves forward');
      current = ms;
    },
  };
}
