#!/usr/bin/env node
// The `retest-connectors` executable (package.json "bin").
import { cli } from './cli.js';
import { EXIT } from './exit-codes.js';
import { processIo } from './io.js';

process.exitCode = await cli(process.argv.slice(2), processIo());
// Interrupted: an aborted request may still hold a socket until its own timeout; stop now (stdout/stderr writes are synchronous on Linux).
if (process.exitCode === EXIT.INTERRUPTED) process.exit(EXIT.INTERRUPTED);
