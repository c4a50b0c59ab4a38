import { type Definition, type DistributedMap, distributedMaps, forEachState } from '../definition.ts';
import { StatesError } from './errors.ts';
import { dataLimitExceeded, LIMITS, payloadBytes } from './limits.ts';

/** The events of aws-local-stepfunctions that the checks read (a structural subset of its EventLog). */
export interface ObservedEvent {
  type: string;
  index?: number;
  state?: { name: string; input?: unknown; output?: unknown };
  parentState?: { name: string };
  output?: unknown;
}

/** What one kind of execution (the parent, or the children of one Distributed Map) came to. */
export interface ExecutionKindFigures {
  executions: number;
  largestPayload: { bytes: number; state: string };
  largestMapResult: { bytes: number; state: string };
  /** The largest gathered result of each Distributed Map run in this kind of execution, in bytes. */
  mapResults: Record<string, number>;
  mostHistoryEvents: number;
}

/** The parent execution is `parent`; the children of a Distributed Map are named by the Map. */
export type ExecutionFigures = Record<string, ExecutionKindFigures>;

export const PARENT = 'parent';

/**
 * Step Functions' per-execution limits, checked from the events of a local run: 256 KiB on every
 * state's input and output and on a Distributed Map's gathered result, 25,000 history events per
 * execution (each Distributed Map item being a child execution with its own history). A violation
 * fails the execution as AWS would: States.DataLimitExceeded is terminal (States.ALL does not catch
 * it), and so is reaching the history quota.
 *
 * History events are counted as Step Functions writes them: ExecutionStarted and ExecutionSucceeded
 * (or Failed); per state, StateEntered and StateExited; per Task attempt TaskScheduled, TaskStarted
 * and TaskSucceeded/Failed, plus TaskSubmitted for `.waitForTaskToken`; per Map MapStateStarted and
 * MapStateSucceeded, plus MapRunStarted and MapRunSucceeded for a Distributed Map, plus
 * MapIterationStarted/Succeeded per inline iteration. (AWS may add a few more, e.g. for a failed
 * attempt's timeout; the count is within a few events per state of the real one.)
 */
export class ExecutionChecks {
  private readonly maps: Map<string, DistributedMap>;
  private readonly ownerMap = new Map<string, string>();
  private readonly types = new Map<string, string>();
  private readonly tokenTasks = new Set<string>();
  private readonly history = new Map<string, number>();
  private readonly gathered = new Map<string, { bytes: number; items: number }>();
  private readonly kinds: ExecutionFigures = {};
  private failure: Error | undefined;

  constructor(
    /** The definition as synthesized (its Distributed Maps still distributed). */
    definition: Definition,
    private readonly onViolation: (error: Error) => void,
  ) {
    this.maps = distributedMaps(definition);
    for (const [map, { states }] of this.maps) for (const state of states) this.ownerMap.set(state, map);
    forEachState(definition.States, (name, state) => {
      this.types.set(name, state.Type);
      if (state.Resource?.endsWith('.waitForTaskToken')) this.tokenTasks.add(name);
    });
    this.kind(PARENT).executions = 1;
  }

  /** The violation that failed the execution, if any. */
  get violation(): Error | undefined {
    return this.failure;
  }

  get figures(): ExecutionFigures {
    return this.kinds;
  }

  /** Called by a Task before it acts: the events so far have been read, and none broke a limit. */
  async gate(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failure) throw this.failure;
  }

  /** Fails the execution with this error (the first violation wins). */
  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.onViolation(error);
  }

  /** A payload that a state passes on (e.g. a Task's parameters, a Lambda's response). */
  checkPayload(what: string, value: unknown, stateName: string): void {
    const bytes = payloadBytes(value);
    this.notePayload(this.executionOf(stateName, undefined).kind, stateName, bytes);
    if (bytes > LIMITS.statePayloadBytes) this.fail(dataLimitExceeded(what, bytes));
  }

  observe(event: ObservedEvent): void {
    switch (event.type) {
      case 'ExecutionStarted':
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
        this.count(PARENT, PARENT, 1);
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.observeIteration(event);
        return;
    }
    const state = event.state;
    if (!state) return;
    const { kind, id } = this.executionOf(state.name, event.index);
    const type = this.types.get(state.name);
    const distributed = this.maps.has(state.name);
    const tokenEvents = this.tokenTasks.has(state.name) ? 1 : 0;
    switch (event.type) {
      case 'StateEntered': {
        const extra = type === 'Task' ? 2 + tokenEvents : type === 'Map' ? (distributed ? 2 : 1) : 0;
        this.count(kind, id, 1 + extra);
        if (distributed) this.gathered.set(state.name, { bytes: 2, items: 0 });
        this.checkSize(`the input of state ${state.name}`, state.input, kind, state.name);
        return;
      }
      case 'StateExited': {
        const extra = type === 'Task' ? 1 : type === 'Map' ? (distributed ? 2 : 1) : 0;
        this.count(kind, id, 1 + extra);
        this.checkSize(`the output of state ${state.name}`, state.output, kind, state.name);
        return;
      }
      case 'StateFailed':
        this.count(kind, id, type === 'Task' ? 1 : type === 'Map' ? (distributed ? 2 : 1) : 0);
        return;
      case 'StateRetried':
        this.count(kind, id, type === 'Task' ? 2 + tokenEvents : 0);
        return;
      case 'StateCaught':
        this.count(kind, id, 1);
        return;
    }
  }

  private observeIteration(event: ObservedEvent): void {
    const map = event.parentState?.name ?? '';
    const distributed = this.maps.get(map);
    if (!distributed) {
      this.count(PARENT, PARENT, 1);
      return;
    }
    const id = `${map}#${event.index}`;
    if (event.type === 'MapIterationStarted') this.kind(map).executions++;
    this.count(map, id, 1);
    if (event.type !== 'MapIterationSucceeded' || distributed.writesResults) return;
    // Without a ResultWriter the Map gathers every child's output into one JSON array.
    const gathered = this.gathered.get(map) ?? { bytes: 2, items: 0 };
    gathered.bytes += payloadBytes(event.output) + (gathered.items > 0 ? 1 : 0);
    gathered.items++;
    this.gathered.set(map, gathered);
    const figures = this.kind(PARENT);
    figures.mapResults[map] = Math.max(figures.mapResults[map] ?? 0, gathered.bytes);
    if (gathered.bytes > figures.largestMapResult.bytes)
      figures.largestMapResult = { bytes: gathered.bytes, state: map };
    if (gathered.bytes > LIMITS.statePayloadBytes) {
      this.fail(
        dataLimitExceeded(
          `the result of Map state ${map} (the outputs of ${gathered.items} child executions, without a ResultWriter)`,
          gathered.bytes,
        ),
      );
    }
  }

  /** A state of a Distributed Map's processor runs in that Map's child execution number `index`. */
  private executionOf(stateName: string, index: number | undefined): { kind: string; id: string } {
    const map = this.ownerMap.get(stateName);
    return map ? { kind: map, id: `${map}#${index ?? '?'}` } : { kind: PARENT, id: PARENT };
  }

  private kind(kind: string): ExecutionKindFigures {
    let figures = this.kinds[kind];
    if (!figures) {
      figures = {
        executions: 0,
        largestPayload: { bytes: 0, state: '' },
        largestMapResult: { bytes: 0, state: '' },
        mapResults: {},
        mostHistoryEvents: 0,
      };
      this.kinds[kind] = figures;
    }
    return figures;
  }

  private count(kind: string, id: string, events: number): void {
    if (events === 0) return;
    const total = (this.history.get(id) ?? 0) + events;
    this.history.set(id, total);
    const figures = this.kind(kind);
    if (total > figures.mostHistoryEvents) figures.mostHistoryEvents = total;
    if (total > LIMITS.historyEvents) {
      this.fail(
        new StatesError(
          'States.Runtime',
          `The execution${id === PARENT ? '' : ` ${id} (a child execution of Map state ${kind})`} reached the maximum number of history events (${LIMITS.historyEvents}).`,
        ),
      );
    }
  }

  private notePayload(kind: string, state: string, bytes: number): void {
    const figures = this.kind(kind);
    if (bytes > figures.largestPayload.bytes) figures.largestPayload = { bytes, state };
  }

  private checkSize(what: string, value: unknown, kind: string, state: string): void {
    if (value === undefined) return;
    const bytes = payloadBytes(value);
    this.notePayload(kind, state, bytes);
    if (bytes > LIMITS.statePayloadBytes) this.fail(dataLimitExceeded(what, bytes));
  }
}
