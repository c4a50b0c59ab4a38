#!/usr/bin/env node
// The package's `rounds` executable: lets Node load the TypeScript sources, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
