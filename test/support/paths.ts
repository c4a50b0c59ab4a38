import { join } from 'node:path';

/** The repository's root, whatever the depth of the test file that asks. */
export const ROOT = join(import.meta.dirname, '..', '..');
/** The tsx binary, to run the repo's TypeScript in a process of its own. */
export const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
