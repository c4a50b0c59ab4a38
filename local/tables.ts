/**
 * Creates the DynamoDB tables of a synthesized CloudFormation template in a local
 * DynamoDB (DynamoDB Local or DYNAMODB_ENDPOINT), so that the local runtime uses
 * exactly the tables `infra/` defines.
 *
 * Taken from the template, for `AWS::DynamoDB::Table` and `AWS::DynamoDB::GlobalTable`:
 * TableName (when a plain string; else the logical id), KeySchema,
 * AttributeDefinitions, GlobalSecondaryIndexes / LocalSecondaryIndexes (KeySchema,
 * Projection), StreamSpecification (DynamoDB Local supports streams), and
 * TimeToLiveSpecification (UpdateTimeToLive).
 *
 * Always PAY_PER_REQUEST locally: DynamoDB Local does not throttle, so
 * ProvisionedThroughput / *ProvisionedThroughputSettings / OnDemandThroughput /
 * WarmThroughput carry no meaning here.
 *
 * Ignored, because DynamoDB Local does not implement them or they mean nothing on one
 * machine: PointInTimeRecoverySpecification (no continuous backups),
 * SSESpecification (no KMS), ContributorInsightsSpecification,
 * KinesisStreamSpecification, TableClass, Tags, ImportSourceSpecification,
 * ResourcePolicy, Replicas of a GlobalTable (one region locally: the table itself is
 * created once), DeletionProtectionEnabled (DynamoDB Local 1.25 knows it, but local
 * data must stay easy to reset), and the resource attributes DeletionPolicy /
 * UpdateReplacePolicy / Condition.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type LocalSecondaryIndex,
  type Projection,
  type StreamViewType,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

export interface CloudFormationTemplate {
  // biome-ignore lint/suspicious/noExplicitAny: raw CloudFormation JSON, checked field by field
  Resources: Record<string, { Type: string; Properties?: any }>;
}

const TABLE_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);

/** Thrown for a table definition this function cannot translate; names the resource. */
export class TableTemplateError extends Error {
  override name = 'TableTemplateError';
}

/**
 * Creates every DynamoDB table of `template` that does not exist yet, waits until
 * they are ACTIVE and returns logicalId → table name. Existing tables are left as
 * they are (only a missing TTL setting is added), so calling it again, or from two
 * processes at once, is harmless.
 */
export async function createTablesFromTemplate(
  client: DynamoDBClient,
  template: CloudFormationTemplate,
): Promise<Record<string, string>> {
  const definitions = tableDefinitionsFromTemplate(template);
  const result: Record<string, string> = {};
  await Promise.all(
    definitions.map(async (def) => {
      await ensureTable(client, def);
      result[def.logicalId] = def.input.TableName as string;
    }),
  );
  // Stable order: that of the template.
  const ordered: Record<string, string> = {};
  for (const def of definitions) ordered[def.logicalId] = result[def.logicalId] as string;
  return ordered;
}

export interface TableDefinition {
  logicalId: string;
  input: CreateTableCommandInput;
  ttlAttribute: string | undefined;
}

/** The CreateTable inputs for the tables of a template (no I/O). */
export function tableDefinitionsFromTemplate(template: CloudFormationTemplate): TableDefinition[] {
  const defs: TableDefinition[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (!TABLE_TYPES.has(resource.Type)) continue;
    defs.push(tableDefinition(logicalId, resource.Properties ?? {}));
  }
  return defs;
}

// biome-ignore lint/suspicious/noExplicitAny: raw CloudFormation JSON, checked field by field
function tableDefinition(logicalId: string, props: any): TableDefinition {
  const where = `${logicalId}`;
  const tableName = typeof props.TableName === 'string' && props.TableName ? props.TableName : logicalId;
  const input: CreateTableCommandInput = {
    TableName: tableName,
    KeySchema: keySchema(props.KeySchema, `${where}.KeySchema`),
    AttributeDefinitions: attributeDefinitions(props.AttributeDefinitions, `${where}.AttributeDefinitions`),
    BillingMode: 'PAY_PER_REQUEST',
  };
  const gsis = list(props.GlobalSecondaryIndexes, `${where}.GlobalSecondaryIndexes`).map(
    (gsi, i): GlobalSecondaryIndex => index(gsi, `${where}.GlobalSecondaryIndexes[${i}]`),
  );
  if (gsis.length) input.GlobalSecondaryIndexes = gsis;
  const lsis = list(props.LocalSecondaryIndexes, `${where}.LocalSecondaryIndexes`).map(
    (lsi, i): LocalSecondaryIndex => index(lsi, `${where}.LocalSecondaryIndexes[${i}]`),
  );
  if (lsis.length) input.LocalSecondaryIndexes = lsis;

  const stream = props.StreamSpecification;
  if (stream && typeof stream.StreamViewType === 'string') {
    input.StreamSpecification = {
      StreamEnabled: true,
      StreamViewType: stream.StreamViewType as StreamViewType,
    };
  }

  const ttl = props.TimeToLiveSpecification;
  const ttlEnabled = ttl && (ttl.Enabled === true || ttl.Enabled === 'true' || ttl.Enabled === undefined);
  const ttlAttribute = ttlEnabled && typeof ttl.AttributeName === 'string' ? ttl.AttributeName : undefined;
  return { logicalId, input, ttlAttribute };
}

function index(
  // biome-ignore lint/suspicious/noExplicitAny: raw CloudFormation JSON, checked field by field
  raw: any,
  where: string,
): { IndexName: string; KeySchema: KeySchemaElement[]; Projection: Projection } {
  if (!raw || typeof raw.IndexName !== 'string')
    throw new TableTemplateError(`${where}.IndexName: expected a string`);
  const projection: Projection = { ProjectionType: raw.Projection?.ProjectionType ?? 'ALL' };
  const nonKey = raw.Projection?.NonKeyAttributes;
  if (Array.isArray(nonKey) && nonKey.length) projection.NonKeyAttributes = nonKey.map(String);
  return {
    IndexName: raw.IndexName,
    KeySchema: keySchema(raw.KeySchema, `${where}.KeySchema`),
    Projection: projection,
  };
}

function keySchema(raw: unknown, where: string): KeySchemaElement[] {
  const items = list(raw, where);
  if (!items.length) throw new TableTemplateError(`${where}: expected at least one key`);
  return items.map((k, i) => {
    if (typeof k?.AttributeName !== 'string' || (k.KeyType !== 'HASH' && k.KeyType !== 'RANGE')) {
      throw new TableTemplateError(`${where}[${i}]: expected { AttributeName, KeyType: HASH | RANGE }`);
    }
    return { AttributeName: k.AttributeName, KeyType: k.KeyType };
  });
}

function attributeDefinitions(raw: unknown, where: string): AttributeDefinition[] {
  return list(raw, where).map((a, i) => {
    if (typeof a?.AttributeName !== 'string' || !['S', 'N', 'B'].includes(a.AttributeType)) {
      throw new TableTemplateError(`${where}[${i}]: expected { AttributeName, AttributeType: S | N | B }`);
    }
    return { AttributeName: a.AttributeName, AttributeType: a.AttributeType };
  });
}

// biome-ignore lint/suspicious/noExplicitAny: raw CloudFormation JSON, checked field by field
function list(raw: unknown, where: string): any[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new TableTemplateError(`${where}: expected a list`);
  return raw;
}

async function ensureTable(client: DynamoDBClient, def: TableDefinition): Promise<void> {
  const name = def.input.TableName as string;
  try {
    await client.send(new CreateTableCommand(def.input));
  } catch (err) {
    // Already there (earlier run, or another process sharing the database): keep it.
    if ((err as Error).name !== 'ResourceInUseException') throw err;
  }
  await waitUntilActive(client, name);
  if (def.ttlAttribute) await ensureTtl(client, name, def.ttlAttribute);
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  let delay = 50;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `table ${tableName} is not ACTIVE after ${timeoutMs} ms (status ${Table?.TableStatus})`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1_000);
  }
}

async function ensureTtl(client: DynamoDBClient, tableName: string, attribute: string): Promise<void> {
  const { TimeToLiveDescription } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  const status = TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return; // leave an existing setting alone
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  } catch (err) {
    // Another process enabled it between our describe and update.
    if (!/already enabled/i.test((err as Error).message)) throw err;
  }
}
