/**
 * The CDK app (cdk.json runs `npx tsx infra/app.ts`): one RoundsStack, with the cdk-nag
 * AwsSolutions and Serverless packs validating every synth. cdk-nag 3 is a CDK policy-validation
 * plugin (`Validations.of(app).addPlugins`), no longer an Aspect: an unacknowledged finding fails
 * `cdk synth`, and each acknowledgement in infra/ carries its reason.
 *
 * Context: `alertEmails` (comma-separated coordinator addresses), `scheduleEnabled` (default true).
 */
import { App } from 'aws-cdk-lib';
import { addComplianceChecks, ROUNDS_STACK_ID, RoundsStack } from './rounds-stack.ts';

const app = new App();
addComplianceChecks(app);

const emails = String(app.node.tryGetContext('alertEmails') ?? '')
  .split(',')
  .map((e) => e.trim())
  .filter(Boolean);
const scheduleEnabled = app.node.tryGetContext('scheduleEnabled');

new RoundsStack(app, ROUNDS_STACK_ID, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  ...(emails.length > 0 ? { coordinatorEmails: emails } : {}),
  ...(scheduleEnabled === undefined ? {} : { scheduleEnabled: String(scheduleEnabled) !== 'false' }),
});

app.synth();
