/**
 * Helpers for the infra tests: synthesize once per test file (no esbuild), read IAM statements
 * per role, and turn the state machine's DefinitionString back into the ASL it will run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { type RoundsStack, synthesizeRoundsTemplate } from '#infra/rounds-stack';
import { definitionForLocalRunner } from '#local/definition';

/** Raw CloudFormation JSON, read field by field. */
// biome-ignore lint/suspicious/noExplicitAny: raw CloudFormation JSON
export type CfnJson = any;

export interface Synth {
  stack: RoundsStack;
  template: Template;
  json: CfnJson;
  /** The logical id of a construct's resource in this stack. */
  idOf(construct: IConstruct): string;
}

/** The logical id of a construct's CloudFormation resource (its default child) in `stack`. */
export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

let cached: Synth | undefined;
/**
 * The RoundsStack synthesized without bundling (NodejsFunction still reports Runtime and
 * Architectures), once per module graph: once per worker in the unit tier, which shares one.
 */
export function synthRounds(): Synth {
  if (!cached) {
    const { stack, template } = synthesizeRoundsTemplate({ bundle: false });
    const idOf = (construct: IConstruct) => logicalIdOf(stack, construct);
    cached = { stack, template: Template.fromStack(stack), json: template, idOf };
  }
  return cached;
}

export const PLACEHOLDER_ACCOUNT = '123456789012';
export const PLACEHOLDER_REGION = 'xx-test-1';

/** The values a deployed stack's pseudo parameters take. */
export interface DeployTarget {
  partition: string;
  region: string;
  account: string;
}
const PLACEHOLDER_TARGET: DeployTarget = {
  partition: 'aws',
  region: PLACEHOLDER_REGION,
  account: PLACEHOLDER_ACCOUNT,
};

/**
 * Resolves Ref / Fn::GetAtt / Fn::Join as CloudFormation would in `target`: a Lambda's Arn becomes
 * a function ARN named by its logical id, a topic's Ref a topic ARN, other Refs their logical id.
 */
export function resolveWithPlaceholders(
  value: unknown,
  resources: Record<string, CfnJson>,
  target: DeployTarget = PLACEHOLDER_TARGET,
): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => resolveWithPlaceholders(p, resources, target)).join(sep);
    }
    if ('Fn::Select' in v) {
      const [index, list] = v['Fn::Select'] as [number, unknown];
      const split = (list as Record<string, unknown>)['Fn::Split'] as [string, unknown] | undefined;
      if (!split) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
      return resolveWithPlaceholders(split[1], resources).split(split[0])[index] ?? '';
    }
    if ('Ref' in v) {
      const ref = v.Ref as string;
      if (ref === 'AWS::Partition') return target.partition;
      if (ref === 'AWS::Region') return target.region;
      if (ref === 'AWS::AccountId') return target.account;
      if (resources[ref]?.Type === 'AWS::SNS::Topic') {
        return `arn:${target.partition}:sns:${target.region}:${target.account}:${ref}`;
      }
      return ref;
    }
    if ('Fn::GetAtt' in v) {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      if (resources[id]?.Type === 'AWS::Lambda::Function' && attr === 'Arn') {
        return `arn:${target.partition}:lambda:${target.region}:${target.account}:function:${id}`;
      }
      if (resources[id]?.Type === 'AWS::S3::Bucket' && attr === 'Arn') {
        return `arn:${target.partition}:s3:::${id}`;
      }
      if (resources[id]?.Type === 'AWS::Cognito::UserPool' && attr === 'Arn') {
        return `arn:${target.partition}:cognito-idp:${target.region}:${target.account}:userpool/${id}`;
      }
      return `${id}.${attr}`;
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

export interface AslState {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Variable?: string; BooleanEquals?: boolean; Next: string }[];
  Parameters?: Record<string, unknown>;
  ItemSelector?: Record<string, unknown>;
  ItemsPath?: string;
  ItemProcessor?: AslDefinition;
  MaxConcurrency?: number;
  ResultPath?: string | null;
  ResultSelector?: Record<string, unknown>;
  OutputPath?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; BackoffRate?: number; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; ResultPath?: string; Next: string }[];
  Error?: string;
}
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  QueryLanguage?: string;
}

/** The one state machine of the template and its parsed definition. */
export function stateMachineOf(
  json: CfnJson,
  target?: DeployTarget,
): {
  logicalId: string;
  properties: CfnJson;
  definition: AslDefinition;
} {
  const machines = Object.entries(json.Resources).filter(
    ([, r]: [string, CfnJson]) => r.Type === 'AWS::StepFunctions::StateMachine',
  );
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const [logicalId, resource] = machines[0] as [string, CfnJson];
  const definition = JSON.parse(
    resolveWithPlaceholders(resource.Properties.DefinitionString, json.Resources, target),
  );
  return { logicalId, properties: resource.Properties, definition };
}

/** Every state, including those inside Map item processors, by name. */
export function allStates(definition: AslDefinition): Record<string, AslState> {
  const out: Record<string, AslState> = {};
  const visit = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      if (name in out) throw new Error(`state name ${name} used twice`);
      out[name] = state;
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
    }
  };
  visit(definition.States);
  return out;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}
export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** All statements of the inline policies attached to a role (by the role's logical id). */
export function statementsOfRole(json: CfnJson, roleLogicalId: string): Statement[] {
  return Object.values<CfnJson>(json.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties.Roles as CfnJson[]).some((ref) => ref?.Ref === roleLogicalId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
}

/** The role logical id of a Lambda function (from its `Role: Fn::GetAtt [role, Arn]`). */
export function roleOfFunction(json: CfnJson, functionLogicalId: string): string {
  const role = json.Resources[functionLogicalId]?.Properties?.Role;
  const id = role?.['Fn::GetAtt']?.[0];
  if (typeof id !== 'string') throw new Error(`function ${functionLogicalId} has no role reference`);
  return id;
}

/**
 * The synthesized definition as the embedded runtime runs it (local/definition.ts): Task timeout
 * paths read where aws-local-stepfunctions reads them, Distributed Maps run inline. Pure: a copy.
 */
export function forLocalRunner<T extends { States: Record<string, unknown> }>(definition: T): T {
  return definitionForLocalRunner(definition);
}

/**
 * Whether a role's synthesized identity policies allow `action` on `resource` (an ARN with the
 * placeholder account and region), evaluated by an IAM policy simulator as AWS would.
 */
export async function roleAllows(
  json: CfnJson,
  roleLogicalId: string,
  action: string,
  resource: string,
): Promise<boolean> {
  const { runSimulation } = await import('@cloud-copilot/iam-simulate');
  const resolve = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(resolve) : resolveWithPlaceholders(value, json.Resources);
  const Statement = statementsOfRole(json, roleLogicalId).map((s) => ({
    ...s,
    Resource: resolve(s.Resource),
  }));
  const response = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:role/${roleLogicalId}`,
        action,
        resource: { resource, accountId: PLACEHOLDER_ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [{ name: 'synthesized', policy: { Version: '2012-10-17', Statement } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
  return response.overallResult === 'Allowed';
}

/** A finding of a policy-validation plugin (cdk-nag's packs), as validation-report.json lists it. */
export interface Violation {
  ruleName: string;
  severity: string;
  violatingConstructs: { constructPath: string }[];
}

/**
 * Synthesizes `app` (made with `outdir`) and reads the findings of the policy-validation plugins
 * named in `plugins` (all when absent): cdk-nag 3 writes them to validation-report.json and fails the
 * synth on an error, which comes back here as `synthError` instead of being thrown.
 */
export function synthWithFindings(
  app: App,
  outdir: string,
  plugins?: readonly string[],
): { assembly?: CloudAssembly; findings: Violation[]; synthError?: Error } {
  let assembly: CloudAssembly | undefined;
  let synthError: Error | undefined;
  try {
    assembly = app.synth();
  } catch (error) {
    synthError = error as Error;
  }
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations: Violation[] }[];
  };
  const findings = report.pluginReports
    .filter((p) => !plugins || plugins.includes(p.pluginName))
    .flatMap((p) => p.violations);
  return { ...(assembly ? { assembly } : {}), findings, ...(synthError ? { synthError } : {}) };
}

/** A finding in one line: the rule, its severity and where. */
export const describeFinding = (f: Violation) =>
  `${f.ruleName} (${f.severity}) at ${f.violatingConstructs.map((c) => c.constructPath).join(', ')}`;

/** The AWS China stack's context values with both custom domains and the SMTP secret (docs/deploy.md, AWS China). */
export const CHINA_CONTEXT = {
  pagesDomain: 'rounds.example.org.cn',
  pagesCertificateId: 'ASCAEXAMPLE1234567890',
  apiDomain: 'api.rounds.example.org.cn',
  apiCertificateArn:
    'arn:aws-cn:acm:cn-northwest-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  smtpSecret: 'rounds/smtp',
};
