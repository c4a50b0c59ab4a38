import { type CfnTemplate, localStateMachineArn, resourcesOfType } from '../template.ts';
import { attachDynamoDbRules, detachDynamoDbRules } from './dynamodb.ts';
import { IamPolicies } from './iam.ts';
import { currentCaller } from './identity.ts';
import type { KeyNames } from './limits.ts';

/**
 * The embedded runtime enforces AWS's rules so that what would fail in AWS fails locally first, with
 * AWS's error: IAM (every call a handler makes and every service integration of the state machine,
 * evaluated against the template's policies) and the service limits (local/aws-rules/limits.ts).
 * On unless EMBEDDED_AWS_RULES=off (for debugging only).
 */
export const AWS_RULES_SWITCH = 'EMBEDDED_AWS_RULES';

export function awsRulesEnabled(): boolean {
  return process.env[AWS_RULES_SWITCH] !== 'off';
}

export interface AwsRules {
  iam: IamPolicies;
  keyNames: KeyNames;
  /** The round state machine's ARN (its logical id as name). */
  stateMachineArn: string;
}

let active: AwsRules | undefined;

/** The rules in force in this process, or undefined when they are switched off. */
export function activeAwsRules(): AwsRules | undefined {
  return active;
}

function keyNamesOf(template: CfnTemplate): KeyNames {
  const partition = new Set<string>();
  const sort = new Set<string>();
  type KeySchema = { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  for (const [, table] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
    const indexes = (table.Properties?.GlobalSecondaryIndexes ?? []) as { KeySchema: KeySchema }[];
    const local = (table.Properties?.LocalSecondaryIndexes ?? []) as { KeySchema: KeySchema }[];
    for (const schema of [
      table.Properties?.KeySchema as KeySchema,
      ...indexes.map((i) => i.KeySchema),
      ...local.map((i) => i.KeySchema),
    ]) {
      for (const key of schema ?? []) (key.KeyType === 'HASH' ? partition : sort).add(key.AttributeName);
    }
  }
  return { partition, sort };
}

/** Installs the rules for this template onto the functions' shared clients (none when switched off). */
export function installAwsRules(
  template: CfnTemplate,
  tableNames: Record<string, string>,
  clients: { dynamodb: Parameters<typeof attachDynamoDbRules>[0] },
): AwsRules | undefined {
  if (!awsRulesEnabled()) {
    detachDynamoDbRules(clients.dynamodb);
    active = undefined;
    return undefined;
  }
  const [machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
  const rules: AwsRules = {
    iam: new IamPolicies(template, tableNames),
    keyNames: keyNamesOf(template),
    stateMachineArn: localStateMachineArn(machine?.[0] ?? 'StateMachine'),
  };
  attachDynamoDbRules(clients.dynamodb, rules.iam, rules.keyNames);
  active = rules;
  return rules;
}

/** Authorizes an action of the current caller (a function or the state machine); no caller, no check. */
export async function authorizeCurrentCaller(action: string, resources: readonly string[]): Promise<void> {
  const caller = currentCaller();
  if (active && caller) await active.iam.authorize(caller, action, resources);
}
