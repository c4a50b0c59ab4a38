/** The one concurrency limiter (functions/commons/concurrency.ts): bulk writes of a round, the CSV import, the benchmarks. */
import { describe, expect, it } from 'vitest';
import { inParallel } from '#commons/concurrency';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('inParallel', () => {
  it('runs every item, never more than the limit at once, and answers in the items’ order', async () => {
    let running = 0;
    let most = 0;
    const results = await inParallel([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      for (let i = 0; i < n; i++) await tick();
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });

  it('starts no further item once one has failed, and rejects with that failure', async () => {
    // A Lambda that failed must not go on writing: its pending work would run on in the next
    // invocation of the same container.
    const started: number[] = [];
    const items = Array.from({ length: 50 }, (_, i) => i);
    const run = inParallel(items, 2, async (i) => {
      started.push(i);
      await tick();
      if (i === 3) throw new Error('write 3 failed');
    });
    await expect(run).rejects.toThrow('write 3 failed');
    for (let i = 0; i < 10; i++) await tick();
    expect(started.length).toBeLessThanOrEqual(5);
  });

  it('does nothing for no items', async () => {
    expect(await inParallel([], 4, async () => 1)).toEqual([]);
  });
});
