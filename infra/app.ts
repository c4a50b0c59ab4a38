/**
 * The CDK app (cdk.json runs `npx tsx infra/app.ts`): one RoundsStack in the CLI's account and
 * region, with the cdk-nag AwsSolutions and Serverless packs validating every synth. cdk-nag 3 is a
 * CDK policy-validation plugin (`Validations.of(app).addPlugins`), no longer an Aspect: an
 * unacknowledged finding fails `cdk synth`, and each acknowledgement in infra/ carries its reason.
 *
 * Context: `alertEmails` (comma-separated coordinator addresses), `scheduleEnabled` (default true),
 * `offerConcurrency` (offers in flight at once, default 800), `senderEmail` (the SES sender; else the
 * stack parameter SenderEmail at deploy), `smsEnabled` (default false), `sourceMaps` (ship source maps
 * and run with --enable-source-maps, default false), `xrayTracing` (bundle the Powertools tracer for
 * per-call X-Ray subsegments, default false), `bundleMetafile` (esbuild's metafile beside each bundle);
 * for AWS China `china`, `pagesDomain`, `pagesCertificateId`, `apiDomain`, `apiCertificateArn` and
 * `smtpSecret` (docs/deploy.md, AWS China).
 */
import { createRoundsApp } from './rounds-stack.ts';

createRoundsApp({ cliEnvironment: process.env }).app.synth();
