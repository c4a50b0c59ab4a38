import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { configureTable, dynamodb } from '#commons/clients';
import { installTaskTokenPort } from '#commons/task-tokens';
import { installRoundStarterPort } from '#services/start-round';
import { installAwsRules } from './aws-rules/index.ts';
import { type DynamoDbLocal, localClientConfig, startDynamoDbLocal } from './dynamodb-local.ts';
import { armFaultInjection, attachFaultHook } from './fault-injection.ts';
import { attachInvocationStop } from './lambda-invocation.ts';
import { RoundRunner } from './round-runner.ts';
import { type LocalRoundStarter, localRoundStarter } from './round-starter.ts';
import { createTablesFromTemplate } from './tables.ts';
import { embeddedTaskTokens } from './task-tokens.ts';
import type { CfnTemplate } from './template.ts';

/**
 * The embedded runtime: DynamoDB Local with the tables of the synthesized template, and the
 * template's state machine ready to run. The functions read their configuration on first use, so
 * their modules are imported plainly; boot points their table client at DynamoDB Local.
 */
export interface EmbeddedRuntime {
  endpoint: string;
  tableName: string;
  template: CfnTemplate;
  runner: RoundRunner;
  /** POST /rounds' StartExecution, answered by this runner (installed as the handlers' port). */
  roundStarter: LocalRoundStarter;
  close(): Promise<void>;
}

export interface BootOptions {
  /** Persistent database under `<dataDir>/dynamodb`; omit for an in-memory one (tests). */
  dataDir?: string;
  log?: (line: string) => void;
}

export async function bootEmbeddedRuntime(options: BootOptions = {}): Promise<EmbeddedRuntime> {
  const env = process.env;
  const database: DynamoDbLocal = await startDynamoDbLocal(
    options.dataDir
      ? { dataDir: options.dataDir, log: options.log, env }
      : { inMemory: true, log: options.log, env },
  );
  try {
    const { synthesizeRoundsTemplate } = await import('../infra/rounds-stack.ts');
    const template = synthesizeRoundsTemplate({ bundle: false, stackProps: { localSignIn: true } })
      .template as CfnTemplate;
    const client = new DynamoDBClient(localClientConfig(database));
    const tableNames = await createTablesFromTemplate(client, template);
    client.destroy();
    const tableName = Object.values(tableNames)[0];
    if (!tableName || Object.keys(tableNames).length !== 1)
      throw new Error('the template should define exactly one table');

    // The functions' clients point at this database; other settings come from the template.
    configureTable({ tableName, client: localClientConfig(database) });
    // An invocation that returned or timed out makes no further call, as in Lambda (local/lambda-invocation.ts).
    attachInvocationStop(dynamodb());
    process.env.AWS_REGION ??= 'local';
    // AWS's IAM and limits, enforced on every handler's calls and every execution (EMBEDDED_AWS_RULES=off to debug).
    installAwsRules(template, tableNames, { dynamodb: dynamodb() });
    // The fault-injection harness's crash points and failures (FAULT_AT / FAULT_TRACE / FAULT_FAIL); inert without them.
    armFaultInjection(options.dataDir);
    attachFaultHook(dynamodb());
    const runner = new RoundRunner(template, tableNames);
    for (const [key, value] of Object.entries(runner.functionEnvironment())) {
      if (!(key in process.env)) process.env[key] = value;
    }
    installTaskTokenPort(embeddedTaskTokens);
    const roundStarter = localRoundStarter(runner);
    installRoundStarterPort(roundStarter);
    return {
      endpoint: database.endpoint,
      tableName,
      template,
      runner,
      roundStarter,
      close: () => database.stop(),
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
