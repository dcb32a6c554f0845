#!/usr/bin/env node
// The `retest-connectors` executable (package.json "bin").
import { cli } from './cli.js';
import { processIo } from './io.js';

process.exitCode = await cli(process.argv.slice(2), processIo());
