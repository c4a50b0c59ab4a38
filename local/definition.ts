/**
 * The synthesized definition adapted, without changing its meaning, to what aws-local-stepfunctions
 * can run. Pure; used by the embedded runtime and by the infra tests that drive the definition.
 */
export interface StateDefinition {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Parameters?: Record<string, unknown>;
  TimeoutSecondsPath?: string;
  States?: Record<string, StateDefinition>;
  Iterator?: { States: Record<string, StateDefinition> };
  ItemProcessor?: { States: Record<string, StateDefinition>; ProcessorConfig?: { Mode?: string } };
  Branches?: { States: Record<string, StateDefinition> }[];
}

export interface Definition {
  StartAt: string;
  States: Record<string, StateDefinition>;
}

/** A Distributed Map of the definition: in AWS each of its items runs as a child execution. */
export interface DistributedMap {
  /** The Map's label (its name when it has none), which qualifies its children's state machine ARN. */
  label: string;
  /** The states of its item processor, i.e. of each child execution. */
  states: ReadonlySet<string>;
  /** With a ResultWriter the children's outputs go to S3, not into the Map's result. */
  writesResults: boolean;
}

/** The Distributed Maps of a definition as synthesized (before definitionForLocalRunner), by state name. */
export function distributedMaps(definition: Definition): Map<string, DistributedMap> {
  const maps = new Map<string, DistributedMap>();
  forEachState(definition.States, (name, state) => {
    if (state.Type !== 'Map' || state.ItemProcessor?.ProcessorConfig?.Mode !== 'DISTRIBUTED') return;
    const states = new Set<string>();
    forEachState(state.ItemProcessor.States, (inner) => states.add(inner));
    const label = (state as { Label?: string }).Label ?? name;
    maps.set(name, { label, states, writesResults: 'ResultWriter' in state });
  });
  return maps;
}

/** A copy of the definition that aws-local-stepfunctions runs as Step Functions would run the original. */
export function definitionForLocalRunner<T extends { States: Record<string, unknown> }>(definition: T): T {
  const copy = structuredClone(definition);
  forEachState(copy.States as Record<string, StateDefinition>, (name, state) => {
    retargetTimeoutPath(name, state);
    runDistributedMapInline(state);
    if (isLambdaRequestResponse(state)) state.TimeoutSeconds = RUNNER_ENFORCED_TIMEOUT_SECONDS;
  });
  return copy;
}

/**
 * A request-response Lambda Task's TimeoutSeconds is enforced by the runner from the moment its
 * invocation starts (local/round-runner.ts): aws-local-stepfunctions would count from the Task's
 * start, i.e. also the time an invocation waits for one of the runner's slots, which in AWS does not
 * exist (an invocation starts at once, or is throttled). Its own timer gets a bound it never reaches
 * (two weeks: within setTimeout's range; without TimeoutSeconds it would apply 60 s).
 */
const RUNNER_ENFORCED_TIMEOUT_SECONDS = 14 * 24 * 3600;

function isLambdaRequestResponse(state: StateDefinition): boolean {
  return state.Type === 'Task' && (state.Resource ?? '').endsWith(':::lambda:invoke');
}

/** TimeoutSeconds of each request-response Lambda Task of a definition as synthesized, by state name. */
export function lambdaTaskTimeouts(definition: Definition): Map<string, number> {
  const timeouts = new Map<string, number>();
  forEachState(definition.States, (name, state) => {
    if (isLambdaRequestResponse(state) && state.TimeoutSeconds !== undefined)
      timeouts.set(name, state.TimeoutSeconds);
  });
  return timeouts;
}

export function forEachState(
  states: Record<string, StateDefinition>,
  visit: (name: string, state: StateDefinition) => void,
): void {
  for (const [name, state] of Object.entries(states)) {
    visit(name, state);
    const nested = state.ItemProcessor ?? state.Iterator;
    if (nested) forEachState(nested.States, visit);
    for (const branch of state.Branches ?? []) forEachState(branch.States, visit);
  }
}

/**
 * Step Functions reads a Task's TimeoutSecondsPath from the state's input; aws-local-stepfunctions
 * reads it from the input after Parameters. Point the path at the Parameters field that carries the
 * same value (`$.x` → `$.Payload.x`), so the timeout is the one AWS would apply.
 */
/**
 * A Distributed Map whose items come from the state input runs its item processor once per item,
 * each in a child execution of its own; aws-local-stepfunctions has no child executions, so it runs
 * the same processor inline, with the same items, selector and concurrency. What child executions
 * mean for the limits is kept by the runner's checks (local/aws-rules/execution-checks.ts): each item
 * counts its own history, and the Map's gathered result is held to 256 KiB as without a ResultWriter.
 */
function runDistributedMapInline(definition: StateDefinition): void {
  const state = definition as StateDefinition & Record<string, unknown>;
  const processor = state.ItemProcessor;
  if (state.Type !== 'Map' || processor?.ProcessorConfig?.Mode !== 'DISTRIBUTED') return;
  if (state.ItemReader)
    throw new Error('the embedded runtime runs Distributed Maps over their input only (no ItemReader)');
  processor.ProcessorConfig = { Mode: 'INLINE' };
  for (const field of [
    'ItemBatcher',
    'ResultWriter',
    'ToleratedFailurePercentage',
    'ToleratedFailureCount',
    'Label',
  ]) {
    delete state[field];
  }
}

function retargetTimeoutPath(name: string, state: StateDefinition): void {
  const path = state.TimeoutSecondsPath;
  if (!path || !state.Parameters) return;
  const find = (node: unknown, at: string): string | undefined => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
    for (const [key, value] of Object.entries(node)) {
      if (key.endsWith('.$') && value === path) return `${at}.${key.slice(0, -2)}`;
      const deeper = find(value, `${at}.${key}`);
      if (deeper) return deeper;
    }
    return undefined;
  };
  const retargeted = find(state.Parameters, '$');
  if (!retargeted)
    throw new Error(`state ${name}: TimeoutSecondsPath ${path} is not passed in its Parameters`);
  state.TimeoutSecondsPath = retargeted;
}
