/**
 * What the CLI touches of the outside world, passed in so the same code runs
 * as the real process (main.ts) and in-process in tests.
 */
export interface CliIo {
  /** stdout: only the machine-readable result (envelope, dry-run request, --json output, help). */
  stdout(text: string): void;
  /** stderr: human messages and JSON error lines. */
  stderr(text: string): void;
  /** All of stdin, as text. */
  readStdin(): Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process is asked to stop (SIGINT, SIGTERM); used by `simulate`. */
  untilStopped(): Promise<string>;
  /** Is stderr a terminal? Wait progress then updates one line instead of printing one per change. */
  stderrIsTTY?: boolean;
  /** Calls `handler` on SIGINT/SIGTERM until the returned function is called; used by `run` to stop a wait at once. */
  onStop?(handler: (signal: string) => void): () => void;
}

export function processIo(): CliIo {
  // A reader that closed the pipe early (`| head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    stderrIsTTY: process.stderr.isTTY === true,
    onStop: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    untilStopped: () =>
      new Promise((resolve) => {
        const stop = (signal: string) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(signal);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }),
  };
}
