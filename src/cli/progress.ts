/**
 * Wait progress on stderr (stdout stays the envelope alone): one plain line per
 * change of state or percentage (and per failed poll) when stderr is a file or
 * a pipe, a single line updated in place (\r, clear line) on a terminal.
 */
import type { WaitProgress } from '../runtime/poll.js';
import { escapeControls } from '../runtime/neutralise.js';

export interface ProgressPrinter {
  update(progress: WaitProgress): void;
  /** Ends the updating line on a terminal, so what follows starts on its own line. */
  end(): void;
}

const CLEAR_LINE = '\r\u001b[2K';

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

export function describeProgress(actionId: string, p: WaitProgress): string {
  const state = p.state ?? '(no status yet)';
  const percentage = p.percentage === null ? '' : ` ${p.percentage} %`;
  const polls = `${p.polls} poll${p.polls === 1 ? '' : 's'}`;
  const failed = p.error ? `; poll failed: ${p.error.code}, retrying at the next poll` : '';
  return `${actionId}: ${state}${percentage}, ${seconds(p.elapsed_ms)} elapsed, ${polls}${p.done ? ', done' : ''}${failed}`;
}

export function progressPrinter(actionId: string, write: (text: string) => void, tty: boolean, scrub: (text: string) => string): ProgressPrinter {
  let lastKey: string | undefined;
  let open = false;
  return {
    update(p) {
      // The state is the server's text: neutralised like every human line (only CLEAR_LINE is ours).
      const line = escapeControls(scrub(describeProgress(actionId, p)));
      if (tty) {
        write(CLEAR_LINE + line);
        open = true;
        return;
      }
      const key = JSON.stringify([p.state, p.percentage, p.done]);
      if (key === lastKey && !p.error) return;
      lastKey = p.error ? undefined : key;
      write(line + '\n');
    },
    end() {
      if (open) write('\n');
      open = false;
    },
  };
}
