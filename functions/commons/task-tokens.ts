import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { memoized } from './config.ts';
import { tracer } from './tracer.ts';

/**
 * Completes a state machine's waiting task (`.waitForTaskToken`). In AWS this is Step Functions'
 * SendTaskSuccess/SendTaskFailure; the embedded runtime installs its own port with the same meaning.
 */
export interface TaskTokenPort {
  succeed(taskToken: string, output: unknown): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

const sfn = memoized(() => tracer.captureAWSv3Client(new SFNClient({})));

const stepFunctionsPort: TaskTokenPort = {
  async succeed(taskToken, output) {
    await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  },
  async fail(taskToken, error, cause) {
    await sfn().send(new SendTaskFailureCommand({ taskToken, error, cause }));
  },
};

let current: TaskTokenPort = stepFunctionsPort;

export function taskTokens(): TaskTokenPort {
  return current;
}

/** Used by the embedded runtime only. */
export function installTaskTokenPort(port: TaskTokenPort): void {
  current = port;
}
