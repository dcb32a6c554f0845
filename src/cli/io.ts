/**
 * What the CLI touches of the outside world, passed in so the same code runs
 * as the real process (main.ts) and in-process in tests.
 */
export interface CliIo {
  /** stdout: only the machine-readable result (envelope, dry-run request, --json output, help). */
  stdout(text: string): void;
  /** stderr: human messages and JSON error lines. */
  stderr(text: string): void;
  /**
   * stdin, read up to `maxBytes` + 1 bytes and no further (the caller refuses
   * anything longer than `maxBytes`, so /dev/zero on stdin cannot grow the process).
   */
  readStdin(maxBytes: number): Promise<string | Buffer>;
  /**
   * Resolves once everything written to stdout was handed to the system;
   * rejects with the write error (ENOSPC on a full disk, EIO …). A reader that
   * closed the pipe early (EPIPE, `| head`) is not an error. Optional: an
   * in-memory stdout cannot fail.
   */
  flushStdout?(): Promise<void>;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process is asked to stop (SIGINT, SIGTERM); used by `simulate`. */
  untilStopped(): Promise<string>;
  /** Is stderr a terminal? Wait progress then updates one line instead of printing one per change. */
  stderrIsTTY?: boolean;
  /** Calls `handler` on SIGINT/SIGTERM until the returned function is called; used by `run` to stop a wait at once. */
  onStop?(handler: (signal: string) => void): () => void;
}

export function processIo(): CliIo {
  let pending = 0;
  let failure: NodeJS.ErrnoException | undefined;
  const waiting: Array<() => void> = [];
  const settle = () => {
    if (pending === 0) for (const done of waiting.splice(0)) done();
  };
  // Write errors arrive through each write's callback (recorded below); the stream's 'error'
  // event must not become an uncaught exception with a stack trace.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  return {
    stdout: (text) => {
      pending += 1;
      process.stdout.write(text, (error?: Error | null) => {
        const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
        if (error && code !== 'EPIPE') failure ??= error as NodeJS.ErrnoException;
        pending -= 1;
        settle();
      });
    },
    stderr: (text) => void process.stderr.write(text),
    readStdin: async (maxBytes) => {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of process.stdin) {
        chunks.push(chunk as Buffer);
        total += (chunk as Buffer).length;
        if (total > maxBytes) break; // leaving the loop destroys stdin: not one more byte is read
      }
      return Buffer.concat(chunks);
    },
    flushStdout: () =>
      new Promise<void>((resolve, reject) => {
        const done = () => (failure ? reject(failure) : resolve());
        if (pending === 0) done();
        else waiting.push(done);
      }),
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
