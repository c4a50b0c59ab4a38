import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is making an AWS call in this process: a function (by its registry id, e.g. `SendOfferAndWaitForAnswer`) while
 * the runner or the HTTP adapter runs its handler, or the state machine while it performs a service
 * integration. Calls made outside (tests, seeding, the CLI) have no caller and are not checked.
 */
export type Caller = { kind: 'function'; functionId: string } | { kind: 'stateMachine' };

const callers = new AsyncLocalStorage<Caller>();

export function runAsFunction<T>(functionId: string, run: () => T): T {
  return callers.run({ kind: 'function', functionId }, run);
}

export function runAsStateMachine<T>(run: () => T): T {
  return callers.run({ kind: 'stateMachine' }, run);
}

export function currentCaller(): Caller | undefined {
  return callers.getStore();
}

/** Runs the embedded runtime's own bookkeeping (e.g. task tokens in the table) as nobody's AWS call. */
export function asEmbeddedRuntime<T>(run: () => T): T {
  return callers.exit(run);
}
