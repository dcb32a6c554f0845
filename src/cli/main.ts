#!/usr/bin/env node
// The `retest-connectors` executable (package.json "bin").
import { cli } from './cli.js';
import { EXIT } from './exit-codes.js';
import { processIo } from './io.js';

// No top-level await: the CLI is bundled as CommonJS (scripts/build-cli.ts), which starts faster.
void cli(process.argv.slice(2), processIo()).then((status) => {
  process.exitCode = status;
  // Interrupted: an aborted request may still hold a socket until its own timeout; stop now (stdout/stderr writes are synchronous on Linux).
  if (status === EXIT.INTERRUPTED) process.exit(EXIT.INTERRUPTED);
});
