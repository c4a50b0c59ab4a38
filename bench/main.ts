// `npm run bench [-- SUITE…]`: runs the benchmark suites, each in its own process (so one suite's
// database or JIT warm-up cannot flatter another). Every figure is a ratio against a baseline that
// the suite measures in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SUITES = ['round', 'plan', 'national-round', 'intake', 'cold-start', 'national-api', 'load'];
const requested = process.argv.slice(2).filter((a) => a !== '--');
const unknown = requested.filter((s) => !SUITES.includes(s));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark suite: ${unknown.join(', ')} (suites: ${SUITES.join(', ')})\n`);
  process.exit(2);
}
let failed = false;
for (const suite of requested.length ? requested : SUITES) {
  const file = join(import.meta.dirname, `${suite}.ts`);
  if (!existsSync(file)) {
    process.stdout.write(`\n## ${suite}: not present\n`);
    continue;
  }
  process.stdout.write(`\n## ${suite}\n`);
  const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
  const result = spawnSync(tsx, [file], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
