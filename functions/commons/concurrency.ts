import pLimit from 'p-limit';

/**
 * Runs `work` over `items` with at most `limit` at a time (bulk writes of a national round, the
 * CSV import, the benchmarks' clients) and answers the results in the items' order. After the
 * first failure no further item starts, and the call rejects with that failure: a Lambda that
 * failed must not go on writing, since its pending work would resume in the container's next
 * invocation. Items already running finish.
 */
export async function inParallel<T, R>(
  items: Iterable<T>,
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const run = pLimit({ concurrency: limit, rejectOnClear: true });
  let failure: { error: unknown } | undefined;
  try {
    return await run.map(items, async (item, index) => {
      try {
        return await work(item, index);
      } catch (error) {
        failure ??= { error };
        run.clearQueue();
        throw error;
      }
    });
  } catch (error) {
    // The items cleared from the queue reject too (AbortError): report the failure itself.
    throw failure ? failure.error : error;
  }
}
