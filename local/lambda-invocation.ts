import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One Lambda invocation as the embedded runtime runs it: in AWS an invocation's process is frozen
 * when its handler returns and stopped at its timeout, so nothing it left running makes another AWS
 * call. Here every invocation shares one process, so a handler's leftover work (e.g. the writes of
 * an attempt that middy timed out, still running beside its retry) is stopped at the SDK instead:
 * once the invocation has ended, its next call fails with `FunctionStoppedError` and never reaches
 * the database.
 */
interface Invocation {
  readonly functionId: string;
  ended: boolean;
}

const invocations = new AsyncLocalStorage<Invocation>();

export class FunctionStoppedError extends Error {
  constructor(functionId: string) {
    super(`${functionId}: its invocation ended (returned or timed out); Lambda would have stopped it here`);
    this.name = 'FunctionStoppedError';
  }
}

/**
 * Runs a handler as one invocation of `functionId` that may run `timeoutSeconds`. It settles when the
 * handler does, or at the timeout with `Lambda.Unknown` ("Task timed out"), as Lambda reports a
 * function it stopped; from then on the handler's remaining work can make no AWS call.
 */
export function runInvocation<T>(
  functionId: string,
  timeoutSeconds: number,
  run: () => Promise<T>,
): Promise<T> {
  const invocation: Invocation = { functionId, ended: false };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      invocation.ended = true;
      reject(
        Object.assign(new Error(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`), {
          name: 'Lambda.Unknown',
        }),
      );
    }, timeoutSeconds * 1000);
  });
  const handled = invocations.run(invocation, run);
  return Promise.race([handled, timedOut]).finally(() => {
    clearTimeout(timer);
    invocation.ended = true;
  });
}

/** Throws when the current code runs for an invocation that has ended. */
export function assertInvocationRunning(): void {
  const invocation = invocations.getStore();
  if (invocation?.ended) throw new FunctionStoppedError(invocation.functionId);
}

type Client = { middlewareStack: { add: (...args: never[]) => void; remove: (name: string) => boolean } };
const MIDDLEWARE_NAME = 'embeddedRuntimeInvocationStop';

/** Makes a client refuse the calls of an ended invocation (checked just before a request goes out). */
export function attachInvocationStop(client: Client): void {
  client.middlewareStack.remove(MIDDLEWARE_NAME);
  const middleware = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    assertInvocationRunning();
    return next(args);
  };
  (client.middlewareStack.add as (...args: unknown[]) => void)(middleware, {
    step: 'finalizeRequest',
    priority: 'high',
    name: MIDDLEWARE_NAME,
  });
}
