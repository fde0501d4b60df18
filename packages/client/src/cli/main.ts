#!/usr/bin/env node
/**
 * `verigate` (bin of @verigate/client; `npm run cli --` in the repository): the management API from a shell.
 *   VERIGATE_URL (default http://127.0.0.1:3000), VERIGATE_ADMIN_TOKEN (default: the development token)
 *   verigate --help | verigate <command> --help | verigate <command> [arguments] [--json]
 */
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, process.env);
