import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { memoized, requiredEnv } from '#commons/config';
import { tracer } from '#commons/tracer';
import type { RoundExecutionInput } from '#schemas/index';
import { roundLog } from '#store/visit-log';

/**
 * Starts the round's state machine. In AWS this is Step Functions' StartExecution on
 * STATE_MACHINE_ARN; the embedded runtime installs its own port that runs the same definition.
 * A name that ran already starts nothing: the existing execution's id comes back.
 */
export interface RoundStarterPort {
  start(name: string, input: RoundExecutionInput): Promise<{ executionId: string; started: boolean }>;
}

const roundStateMachineArn = memoized(() => requiredEnv('STATE_MACHINE_ARN'));
const sfn = memoized(() => tracer.captureAWSv3Client(new SFNClient({})));

const stepFunctionsPort: RoundStarterPort = {
  async start(name, input) {
    const stateMachineArn = roundStateMachineArn();
    try {
      const { executionArn } = await sfn().send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { executionId: executionArn as string, started: true };
    } catch (error) {
      // Same name, closed execution (or other input): that execution is the season's round.
      if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
      const executionId = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      return { executionId, started: false };
    }
  },
};

let current: RoundStarterPort = stepFunctionsPort;

export function roundStarter(): RoundStarterPort {
  return current;
}

/** Used by the embedded runtime only. */
export function installRoundStarterPort(port: RoundStarterPort): void {
  current = port;
}

/**
 * The name of the season's round execution: `<season>-<attempt>`, where a failed attempt (written
 * to the round log by RecordRoundFailure) makes the next one `-2`. The same season gets the same
 * name until it fails, so starting it twice starts one execution.
 */
export async function roundExecutionName(season: string): Promise<string> {
  const failures = (await roundLog(season)).filter((item) => item.kind === 'failed').length;
  return `${season}-${failures + 1}`;
}

/**
 * Starts the season's round under its one name (`roundExecutionName`) with the one input
 * `{ season }`: POST /rounds and the quarterly schedule both start rounds here, so a manual and a
 * scheduled start of the same season are one execution (Step Functions refuses a name twice).
 */
export async function startSeasonRound(
  season: string,
): Promise<{ name: string; executionId: string; started: boolean }> {
  const name = await roundExecutionName(season);
  return { name, ...(await roundStarter().start(name, { season })) };
}
