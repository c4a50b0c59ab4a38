import type { RoundStarterPort } from '#commons/round-starter';
import type { RoundExecutionInput } from '#schemas/index';
import type { EventLog, RoundExecution, RoundRunner } from './round-runner.ts';

/** The id the embedded runner gives an execution (as Step Functions' execution ARN). */
export function localExecutionId(name: string): string {
  return `arn:aws:states:local:000000000000:execution:RoundStateMachine:${name}`;
}

export interface LocalRoundStarter extends RoundStarterPort {
  /** The executions started here, by name: each settles when its round ends. */
  readonly executions: ReadonlyMap<string, Promise<RoundExecution>>;
}

/**
 * StartExecution for the embedded runtime: runs the synthesized definition in the background. A name
 * that was started in this process starts nothing (Step Functions' ExecutionAlreadyExists).
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
      if (executions.has(name) || runner.runningExecution(name))
        return { executionId: localExecutionId(name), started: false };
      const onEvent = options.onEvent;
      const running = runner.run(input, {
        name,
        ...(onEvent ? { onEvent: (event: EventLog) => onEvent(name, event) } : {}),
      });
      executions.set(name, running);
      running.then((execution) => options.onEnd?.(execution)).catch(() => {});
      return { executionId: localExecutionId(name), started: true };
    },
  };
}
