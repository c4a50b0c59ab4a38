import type { RoundExecutionInput } from '#schemas/index';
import type { RoundStarterPort } from '#services/start-round';
import { authorizeCurrentCaller } from './aws-rules/index.ts';
import type { EventLog, RoundExecution, RoundRunner } from './round-runner.ts';

export interface LocalRoundStarter extends RoundStarterPort {
  /** The executions started here, by name: each settles when its round ends. */
  readonly executions: ReadonlyMap<string, Promise<RoundExecution>>;
}

/**
 * StartExecution for the embedded runtime: runs the synthesized definition in the background. The
 * caller's role needs states:StartExecution on the state machine; a name used before starts nothing
 * (Step Functions' ExecutionAlreadyExists, answered as the Step Functions port answers it).
 */
export function localRoundStarter(
  runner: RoundRunner,
  options: {
    onEvent?: (name: string, event: EventLog) => void;
    onEnd?: (execution: RoundExecution) => void;
  } = {},
): LocalRoundStarter {
  const executions = new Map<string, Promise<RoundExecution>>();
  return {
    executions,
    async start(name: string, input: RoundExecutionInput) {
      await authorizeCurrentCaller('states:StartExecution', [runner.stateMachineArn]);
      const executionId = runner.executionArn(name);
      const onEvent = options.onEvent;
      let started: ReturnType<RoundRunner['start']>;
      try {
        started = runner.start(input, {
          name,
          ...(onEvent ? { onEvent: (event: EventLog) => onEvent(name, event) } : {}),
        });
      } catch (error) {
        if ((error as Error).name === 'ExecutionAlreadyExists') return { executionId, started: false };
        throw error;
      }
      if (started.joined) return { executionId, started: false };
      executions.set(name, started.result);
      started.result.then((execution) => options.onEnd?.(execution)).catch(() => {});
      return { executionId, started: true };
    },
  };
}
