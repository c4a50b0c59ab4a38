import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDbLocal, localClientConfig, startDynamoDbLocal } from './dynamodb-local.ts';
import { createTablesFromTemplate } from './tables.ts';
import type { CfnTemplate } from './template.ts';

/**
 * The embedded runtime: DynamoDB Local with the tables of the synthesized template, and the
 * template's state machine ready to run. Functions' modules read their configuration at load, so
 * everything that imports them is loaded only after the environment is set here.
 */
export interface EmbeddedRuntime {
  endpoint: string;
  tableName: string;
  template: CfnTemplate;
  runner: import('./round-runner.ts').RoundRunner;
  /** POST /rounds' StartExecution, answered by this runner (installed as the handlers' port). */
  roundStarter: import('./round-starter.ts').LocalRoundStarter;
  close(): Promise<void>;
}

export interface BootOptions {
  /** Persistent database under `<dataDir>/dynamodb`; omit for an in-memory one (tests). */
  dataDir?: string;
  log?: (line: string) => void;
}

// The user's DYNAMODB_ENDPOINT, read before boot overwrites it for the functions' clients.
const userEndpoint = process.env.DYNAMODB_ENDPOINT;

export async function bootEmbeddedRuntime(options: BootOptions = {}): Promise<EmbeddedRuntime> {
  const env = { ...process.env, DYNAMODB_ENDPOINT: userEndpoint };
  const database: DynamoDbLocal = await startDynamoDbLocal(
    options.dataDir
      ? { dataDir: options.dataDir, log: options.log, env }
      : { inMemory: true, log: options.log, env },
  );
  try {
    const { synthesizeRoundsTemplate } = await import('../infra/rounds-stack.ts');
    const template = synthesizeRoundsTemplate({ bundle: false }).template as CfnTemplate;
    const client = new DynamoDBClient(localClientConfig(database));
    const tableNames = await createTablesFromTemplate(client, template);
    client.destroy();
    const tableName = Object.values(tableNames)[0];
    if (!tableName || Object.keys(tableNames).length !== 1)
      throw new Error('the template should define exactly one table');

    process.env.DYNAMODB_ENDPOINT = database.endpoint;
    process.env.DYNAMODB_LOCAL_ACCESS_KEY_ID = database.credentials.accessKeyId;
    process.env.DYNAMODB_LOCAL_SECRET_ACCESS_KEY = database.credentials.secretAccessKey;
    process.env.TABLE_NAME = tableName;
    process.env.AWS_REGION ??= 'local';
    const [{ RoundRunner }, { installAwsRules }, { dynamodb }] = await Promise.all([
      import('./round-runner.ts'),
      import('./aws-rules/index.ts'),
      import('#commons/clients'),
    ]);
    // AWS's IAM and limits, enforced on every handler's calls and every execution (EMBEDDED_AWS_RULES=off to debug).
    installAwsRules(template, tableNames, { dynamodb });
    const runner = new RoundRunner(template, tableNames);
    for (const [key, value] of Object.entries(runner.functionEnvironment())) {
      if (!(key in process.env) || key === 'TABLE_NAME') process.env[key] = value;
    }
    const [{ installTaskTokenPort }, { embeddedTaskTokens }] = await Promise.all([
      import('#commons/task-tokens'),
      import('./task-tokens.ts'),
    ]);
    installTaskTokenPort(embeddedTaskTokens);
    const [{ installRoundStarterPort }, { localRoundStarter }] = await Promise.all([
      import('#commons/round-starter'),
      import('./round-starter.ts'),
    ]);
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
