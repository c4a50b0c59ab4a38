// Issue 3's state-machine figures: the synthesized round (Distributed Maps, plan by reference) run by
// the embedded runtime on a generated national instance (2,844 counties, 600 societies, 15,000 needs).
// Reports the largest payload any state passed (Step Functions allows 256 KB) and the most state
// transitions in one execution, counting each Distributed Map item as the child execution it is in
// AWS (Step Functions allows 25,000 history events; a Task takes about 5).
import { bootEmbeddedRuntime } from '../local/runtime.ts';
import { generateInstance, SIZES } from './generate.ts';

const PAYLOAD_LIMIT = 256 * 1024;
const HISTORY_LIMIT = 25_000;
const EVENTS_PER_TRANSITION = 5;

const size = process.argv.includes('--province') ? SIZES.province : SIZES.national;
const data = generateInstance(size, 1);
const runtime = await bootEmbeddedRuntime();
try {
  const { seedIfEmpty } = await import('../local/seed.ts');
  let started = performance.now();
  await seedIfEmpty(data);
  const seedSeconds = (performance.now() - started) / 1000;

  let largestPayload = { bytes: 0, state: '' };
  let mainTransitions = 0;
  const perItem = new Map<string, number>();
  const measure = (state: string, value: unknown) => {
    const bytes = Buffer.byteLength(JSON.stringify(value ?? null));
    if (bytes > largestPayload.bytes) largestPayload = { bytes, state };
  };
  started = performance.now();
  const execution = await runtime.runner.run(
    { season: '2026-Q4', autoAccept: true },
    {
      onEvent: (event) => {
        if (event.type === 'StateFailed' || event.type === 'StateRetried') {
          const failed = event as { state: { name: string }; Error?: string; Cause?: unknown };
          console.error(
            `${event.type} ${failed.state.name}: ${failed.Error ?? ''} ${String(failed.Cause ?? '').slice(0, 200)}`,
          );
        }
        if (event.type !== 'StateEntered' && event.type !== 'StateExited') return;
        const { name, input, output } = event.state;
        measure(name, event.type === 'StateEntered' ? input : output);
        if (event.type !== 'StateEntered') return;
        // Events of a Map item carry its index: in AWS each item is a child execution of its own.
        const index = (event as { index?: number }).index;
        if (index === undefined) mainTransitions++;
        else {
          const key = `${name === 'ChooseTown' || name === 'FrameFiveQuestions' || name === 'SaveDraftVisit' ? 'county' : 'offer'}#${index}`;
          perItem.set(key, (perItem.get(key) ?? 0) + 1);
        }
      },
    },
  );
  const roundSeconds = (performance.now() - started) / 1000;
  if (execution.status !== 'SUCCEEDED')
    throw new Error(`round failed: ${execution.error?.name}: ${execution.error?.message}`);
  const output = execution.output as {
    visits: number;
    offers: number;
    accepted: number;
    unassignedNeeds: number;
  };
  const busiestChild = Math.max(0, ...perItem.values());

  console.log(
    `\nRound on a generated ${size.name} instance (${size.counties} counties, ${size.societies} societies, ${size.needs} needs), societies accepting at once`,
  );
  const rows: [string, string, string][] = [
    ['visits / offers / accepted', `${output.visits} / ${output.offers} / ${output.accepted}`, ''],
    ['unassigned needs on visits', String(output.unassignedNeeds), ''],
    ['seeding the database (s)', seedSeconds.toFixed(1), ''],
    ['round wall time (s)', roundSeconds.toFixed(1), ''],
    ['state transitions, all executions', String(execution.stateTransitions), ''],
    [
      'largest payload (KB), state',
      `${(largestPayload.bytes / 1024).toFixed(1)} (${largestPayload.state})`,
      `${((100 * largestPayload.bytes) / PAYLOAD_LIMIT).toFixed(1)}% of 256 KB`,
    ],
    [
      'transitions in the parent execution',
      String(mainTransitions),
      `≈${((100 * mainTransitions * EVENTS_PER_TRANSITION) / HISTORY_LIMIT).toFixed(2)}% of 25,000 events`,
    ],
    [
      'transitions in the busiest child execution',
      String(busiestChild),
      `≈${((100 * busiestChild * EVENTS_PER_TRANSITION) / HISTORY_LIMIT).toFixed(2)}% of 25,000 events`,
    ],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [label, value, ratio] of rows)
    console.log(`${label.padEnd(width)}  ${value}${ratio ? `  (${ratio})` : ''}`);
} finally {
  await runtime.close();
}
