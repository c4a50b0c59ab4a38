/**
 * cdk-nag 3 runs as a CDK policy-validation plugin: findings are written to the cloud assembly's
 * validation-report.json (and fail the synth when they are errors), not added as annotations.
 * These tests synthesize with both packs, read that report, and check every acknowledgement.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { addComplianceChecks, ROUNDS_STACK_ID, RoundsStack } from '#infra/rounds-stack';
import { temporaryDirs } from '#support/rounds-cli';
import { describeFinding, synthWithFindings, type Violation } from '#support/template';

const outdirs = temporaryDirs();
afterAll(() => outdirs.removeAll());

/** Synthesizes `build` in a fresh app with the AwsSolutions and Serverless packs; returns the packs' findings. */
function checkedSynth(build: (app: App) => Stack): {
  stack: Stack;
  findings: Violation[];
  synthError?: Error;
} {
  const outdir = outdirs.make('rounds-nag-');
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  addComplianceChecks(app);
  const stack = build(app);
  const { findings, synthError } = synthWithFindings(app, outdir, ['AwsSolutions', 'Serverless']);
  return { stack, findings, ...(synthError ? { synthError } : {}) };
}

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  const rounds = checkedSynth((app) => new RoundsStack(app, ROUNDS_STACK_ID));

  it('finds nothing unacknowledged in RoundsStack: no error, no warning', () => {
    expect(rounds.synthError).toBeUndefined();
    expect(rounds.findings.map(describeFinding)).toEqual([]);
  });

  it('leaves no AwsSolutions error or warning annotation on the stack', () => {
    const annotations = Annotations.fromStack(rounds.stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
  });

  it('flags a non-compliant resource, so a clean report means something', () => {
    const bad = checkedSynth((app) => {
      const stack = new Stack(app, 'NonCompliant');
      new s3.Bucket(stack, 'PlainBucket');
      return stack;
    });
    const rules = bad.findings.map((f) => f.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
    expect(bad.synthError?.message).toMatch(/AwsSolutions-S1/);
  });

  it('gives every acknowledgement a written reason, and acknowledges only AwsSolutions/Serverless rules', () => {
    const acknowledged: { path: string; id: string; reason: string }[] = [];
    for (const construct of (rounds.stack as Construct).node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledged.push({ path: construct.node.path, id, reason });
        }
      }
    }
    expect(acknowledged.length).toBeGreaterThan(10);
    for (const { path, id, reason } of acknowledged) {
      expect(id, path).toMatch(/(AwsSolutions|Serverless)-[A-Za-z0-9]+/);
      expect(reason.length, `${id} at ${path}`).toBeGreaterThanOrEqual(40);
    }
  });
});
