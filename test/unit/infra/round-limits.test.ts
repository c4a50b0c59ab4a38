/**
 * AWS limits the round's definition must respect, read off the synthesized template:
 * the Distributed Maps' gathered results (256 KiB), the offer Map's concurrency against the
 * account's Lambda concurrency, and a log group name that a retained earlier one cannot block.
 */
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { OFFER_CONCURRENCY, ROUND_STATE_NAMES as S } from '#infra/round-state-machine';
import { ROUNDS_STACK_ID, RoundsStack } from '#infra/rounds-stack';
import {
  type AslDefinition,
  type AslState,
  allStates,
  type CfnJson,
  stateMachineOf,
  synthRounds,
} from '#support/template';

const { stack, json } = synthRounds();
const { properties, definition } = stateMachineOf(json);
const states = allStates(definition);

/** Step Functions' limit on a state's input/output, and so on a Map's gathered result. */
const PAYLOAD_LIMIT_BYTES = 256 * 1024;
/** The Distributed Map's ceiling on items processed in parallel; a generous bound on a round's items. */
const MAX_ITEMS = 10_000;
/** Lambda's default concurrent executions per account and region. */
const DEFAULT_ACCOUNT_LAMBDA_CONCURRENCY = 1000;

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
const isStatic = (template: unknown): boolean =>
  JSON.stringify(template ?? null).match(/"[^"]*\.\$"\s*:/) === null;

/**
 * The largest output a state can end a child execution with, from the definition alone:
 * a constant when its output is a static ResultSelector/Result not moved by ResultPath/OutputPath,
 * otherwise unbounded (its input, or what a Lambda returned, flows through).
 */
function terminalOutputBound(state: AslState): number {
  if (state.Type === 'Fail') return 0;
  const moved = state.ResultPath !== undefined || state.OutputPath !== undefined;
  const result = (state as { Result?: unknown }).Result;
  if (state.Type === 'Pass' && result !== undefined && !moved && state.Parameters === undefined)
    return bytes(result);
  if (state.Type === 'Task' && state.ResultSelector !== undefined && !moved && isStatic(state.ResultSelector))
    return bytes(state.ResultSelector);
  return Number.POSITIVE_INFINITY;
}

/** Each child's terminal states, by name, with their output bound. */
function childTerminals(processor: AslDefinition): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, state] of Object.entries(processor.States)) {
    if (state.End || state.Type === 'Succeed' || state.Type === 'Fail')
      out[name] = terminalOutputBound(state);
  }
  return out;
}

describe.each([S.ChooseTownPerCounty, S.OfferEachSociety])('the Distributed Map %s', (mapName) => {
  const map = states[mapName] as AslState;

  it('has no ResultWriter, so it gathers every child’s output into its result', () => {
    expect(map.ItemProcessor).toBeDefined();
    expect((map as { ResultWriter?: unknown }).ResultWriter).toBeUndefined();
  });

  it('ends every child with a constant tiny output, so 10,000 children gather far less than 256 KiB', () => {
    const terminals = childTerminals(map.ItemProcessor as AslDefinition);
    expect(Object.keys(terminals).length).toBeGreaterThan(0);
    for (const [name, bound] of Object.entries(terminals)) expect(bound, name).toBeLessThanOrEqual(2);
    const largestChild = Math.max(...Object.values(terminals));
    // A JSON array of MAX_ITEMS outputs: brackets, commas, outputs.
    const gatheredBound = 2 + MAX_ITEMS * (largestChild + 1);
    expect(gatheredBound).toBeLessThan(PAYLOAD_LIMIT_BYTES / 8);
  });
});

describe('the offer Map’s concurrency', () => {
  it('stays below the default account Lambda concurrency, leaving room for the county Map and the API', () => {
    const offers = states[S.OfferEachSociety]?.MaxConcurrency as number;
    const counties = states[S.ChooseTownPerCounty]?.MaxConcurrency as number;
    expect(offers).toBe(OFFER_CONCURRENCY);
    expect(offers + counties).toBeLessThan(DEFAULT_ACCOUNT_LAMBDA_CONCURRENCY);
  });

  it('is configurable per stack (for an account with a raised quota), within the Distributed Map’s 10,000', () => {
    const raised = new RoundsStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), ROUNDS_STACK_ID, {
      offerConcurrency: 3000,
    });
    expect(raised.round.stateMachine).toBeDefined();
    const synthesized = (raised.node.root as App).synth().getStackByName(raised.stackName).template;
    expect(allStates(stateMachineOf(synthesized).definition)[S.OfferEachSociety]?.MaxConcurrency).toBe(3000);
    expect(
      () =>
        new RoundsStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), ROUNDS_STACK_ID, {
          offerConcurrency: 20_000,
        }),
    ).toThrow(/offerConcurrency must be a whole number from 1 to 10000/);
  });
});

describe('the state machine’s log group', () => {
  const logGroupId = properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn[
    'Fn::GetAtt'
  ][0] as string;
  const logGroup: CfnJson = json.Resources[logGroupId];
  /** The name CloudFormation gives the log group in a stack with that id (Fn::Join/Select/Split). */
  const nameIn = (stackId: string): string => {
    const evaluate = (v: CfnJson): CfnJson => {
      if (typeof v === 'string') return v;
      if (v.Ref === 'AWS::StackId') return stackId;
      if (v['Fn::Join']) return (v['Fn::Join'][1] as CfnJson[]).map(evaluate).join(v['Fn::Join'][0]);
      if (v['Fn::Split']) return String(evaluate(v['Fn::Split'][1])).split(v['Fn::Split'][0]);
      if (v['Fn::Select']) return evaluate(v['Fn::Select'][1])[v['Fn::Select'][0]];
      throw new Error(`cannot evaluate ${JSON.stringify(v)}`);
    };
    return evaluate(logGroup.Properties.LogGroupName);
  };

  it('is kept when the stack is deleted (RETAIN), for the round’s audit trail', () => {
    expect(logGroup.DeletionPolicy).toBe('Retain');
  });

  it('has no fixed name: a stack created again (after a failed first deploy or a deletion) gets a new one', () => {
    expect(typeof logGroup.Properties.LogGroupName).not.toBe('string');
    const first = nameIn(
      'arn:aws:cloudformation:ap-southeast-1:123456789012:stack/RoundsStack/3f1c2a10-0b7e-11f1-9c2e-0a1b2c3d4e5f',
    );
    const second = nameIn(
      'arn:aws:cloudformation:ap-southeast-1:123456789012:stack/RoundsStack/8d9e0f20-0b7f-11f1-a41b-06f5e4d3c2b1',
    );
    expect(first).toBe('/aws/vendedlogs/states/RoundsStack-round-3f1c2a10-0b7e-11f1-9c2e-0a1b2c3d4e5f');
    expect(second).not.toBe(first);
    expect(second.startsWith('/aws/vendedlogs/states/')).toBe(true);
  });

  it('is the only log group with a name set in the template (every other one is named by CloudFormation)', () => {
    const named = Object.entries<CfnJson>(json.Resources).filter(
      ([, r]) => r.Type === 'AWS::Logs::LogGroup' && r.Properties?.LogGroupName !== undefined,
    );
    expect(named.map(([id]) => id)).toEqual([logGroupId]);
    expect(stack.round.logGroup).toBeDefined();
  });
});
