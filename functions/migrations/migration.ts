/**
 * One data migration: numbered (its file is `NNN-what-it-does.ts`), idempotent (running it again
 * changes nothing) and resumable (stopped halfway, the next run finishes it). The runner
 * (./index.ts) records `version` in the table once `run` has returned, never before.
 */
export interface Migration {
  readonly version: number;
  readonly name: { readonly zh: string; readonly en: string };
  run(log: (line: string) => void): Promise<void>;
}
