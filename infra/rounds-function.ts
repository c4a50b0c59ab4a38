import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { parseQuietHours } from '#domain/quiet-hours';
import { isChina } from './china.ts';

/** The repository root: entries in functions/registry.ts are relative to it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Service name every function logs, traces and emits metrics under. */
export const SERVICE_NAME = 'mountain-rounds';

/**
 * The newest Node.js runtime this aws-cdk-lib knows (nodejs24.x in 2.276).
 * One place to bump when a newer LTS lands.
 */
export const NODE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Metadata key on each CfnFunction naming its registry id, so a template alone maps back to the entry. */
export const FUNCTION_ID_METADATA = 'mountain-rounds:function-id';
/** Metadata key on each CfnFunction naming its entry file (relative to the repo root). */
export const FUNCTION_ENTRY_METADATA = 'mountain-rounds:entry';

/**
 * esbuild banner: an ESM bundle has no `require`, but CommonJS dependencies bundled into it
 * (parts of the AWS SDK, middy) call it; this gives them one.
 */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __roundsCreateRequire } from 'node:module'; const require = __roundsCreateRequire(import.meta.url);";

export interface RoundsFunctionProps {
  /** Entry file relative to the repository root, as listed in `functions/registry.ts`. */
  readonly entry: string;
  /**
   * What the function does, shown in the console.
   * @default - the construct id and entry file
   */
  readonly description?: string;
  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Memory in MB (CPU scales with it).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Retention of the function's own log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Extra environment variables; `POWERTOOLS_SERVICE_NAME` is always set (`NODE_OPTIONS` with source maps).
   * Table wiring adds its own through `RoundsTable.grantTo()`.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Files (relative to the repository root) copied beside the bundled module, for code that loads
   * them at run time from its own folder — e.g. the HiGHS solver's WebAssembly.
   * @default - none
   */
  readonly bundleFiles?: readonly string[];
  /**
   * Ship a source map in the asset and run with `--enable-source-maps` (readable stack traces, a
   * bigger asset and a slower start).
   * @default - context `sourceMaps` (`-c sourceMaps=true`), else false
   */
  readonly sourceMaps?: boolean;
  /**
   * Bundle the Powertools tracer, so each AWS SDK call is an X-Ray subsegment (about 120 KiB more
   * per bundle); without it Lambda's active tracing still records every invocation.
   * @default - context `xrayTracing` (`-c xrayTracing=true`), else false
   */
  readonly xrayTracing?: boolean;
  /**
   * Write esbuild's metafile (`index.meta.json`) beside the bundle, for the bundle tests and benchmarks.
   * @default - context `bundleMetafile`, else false
   */
  readonly metafile?: boolean;
}

/** A boolean construct prop, else its context flag (`-c name=true`), else false. */
function flag(scope: Construct, value: boolean | undefined, context: string): boolean {
  return value ?? String(scope.node.tryGetContext(context) ?? 'false') === 'true';
}

/**
 * The installation's quiet hours (`-c quietHours=21:00-06:30` or `off`), checked at synth; every
 * function that queues or sends a message reads QUIET_HOURS (domain/quiet-hours.ts). Unset: the
 * functions keep the default 22:00-07:00.
 */
function quietHoursContext(scope: Construct): string | undefined {
  const value = scope.node.tryGetContext('quietHours');
  if (value === undefined || value === null || value === '') return undefined;
  parseQuietHours(String(value));
  return String(value);
}

/**
 * Modules a bundle gets in place of others (esbuild aliases): the SDK's default credential chain
 * becomes a reader of the environment, where Lambda puts the role's credentials (the chain's nested
 * STS and SSO clients are never needed there); the SDK's lazily loaded event-stream support, which no
 * operation we call uses, a stub that says so; the tracer a pass-through unless X-Ray subsegments
 * are asked for. See functions/commons/bundle/.
 */
export function bundleAliases(xrayTracing: boolean): string[] {
  return [
    `@aws-sdk/credential-provider-node=${join(REPO_ROOT, 'functions/commons/bundle/env-credentials.ts')}`,
    `@smithy/core/event-streams=${join(REPO_ROOT, 'functions/commons/bundle/no-event-streams.ts')}`,
    ...(xrayTracing
      ? []
      : [`@aws-lambda-powertools/tracer=${join(REPO_ROOT, 'functions/commons/bundle/untraced.ts')}`]),
  ];
}

/** A word for `bash -c`, quoted as is. */
const shellWord = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * The bundle again, with esbuild's code splitting: NodejsFunction writes one `--outfile` and has no
 * splitting option (esbuild needs `--outdir` for it), so the bundling's last step builds the entry
 * once more into the same folder with the same options. `index.mjs` then holds what every invocation
 * loads; each module a handler imports with `import()` (a path most invocations never take: the
 * spreadsheet reader, the Cognito admin client, the SES and SNS clients) is a file under `chunks/`
 * that Node reads the first time that path runs. Without a dynamic import the output is the single
 * `index.mjs` it was. bench/cold-start.ts and test/integration/infra/bundles.test.ts measure both.
 */
function splitBundleCommand(
  entry: string,
  output: string,
  options: { sourceMaps: boolean; metafile: boolean; aliases: readonly string[] },
): string {
  const args = [
    join(REPO_ROOT, 'node_modules', '.bin', 'esbuild'),
    '--bundle',
    entry,
    '--target=node24',
    '--platform=node',
    '--format=esm',
    '--splitting',
    `--outdir=${output}`,
    '--entry-names=index',
    '--chunk-names=chunks/[name]-[hash]',
    '--out-extension:.js=.mjs',
    '--minify',
    ...(options.sourceMaps ? ['--sourcemap', '--sources-content=false'] : []),
    `--tsconfig=${join(REPO_ROOT, 'tsconfig.json')}`,
    ...(options.metafile ? [`--metafile=${join(output, 'index.meta.json')}`] : []),
    `--banner:js=${ESM_REQUIRE_SHIM}`,
    '--main-fields=module,main',
    ...options.aliases.map((alias) => `--alias:${alias}`),
    '--log-level=warning',
  ];
  return args.map(shellWord).join(' ');
}

/**
 * The one Lambda function shape of the product: Node.js 24 on arm64, ESM bundle with the
 * AWS SDK inside it (credentials from the environment only), X-Ray active, no source map unless
 * asked, an explicit timeout and memory, and a log group with retention that only this function
 * may write to.
 *
 * The execution role has no AWS managed policy: it may write to its own log group and send
 * X-Ray segments; everything else comes from explicit `grant*()` calls.
 */
export class RoundsFunction extends NodejsFunction {
  /** Registry id of this function (its construct id). */
  public readonly functionId: string;
  /** Entry file relative to the repository root. */
  public readonly entryPath: string;
  /** The function's log group (retention set). */
  public readonly functionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RoundsFunctionProps) {
    const entryAbs = join(REPO_ROOT, props.entry);
    if (!existsSync(entryAbs)) {
      throw new Error(
        `RoundsFunction ${id}: entry file ${props.entry} does not exist (looked in ${REPO_ROOT})`,
      );
    }
    // The log group and role are created in the parent scope under ids derived from ours;
    // super() must run before `this` exists, so they are built first.
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id} (${props.entry})`,
    });
    logGroup.grantWrite(role);
    const sourceMaps = flag(scope, props.sourceMaps, 'sourceMaps');
    const metafile = flag(scope, props.metafile, 'bundleMetafile');
    const aliases = bundleAliases(flag(scope, props.xrayTracing, 'xrayTracing'));
    const quietHours = quietHoursContext(scope);

    super(scope, id, {
      entry: entryAbs,
      handler: 'handler',
      description: props.description ?? `${id} (${props.entry})`,
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      // AWS China offers no Lambda X-Ray integration: no tracing, no X-Ray permissions.
      tracing: isChina(scope) ? lambda.Tracing.DISABLED : lambda.Tracing.ACTIVE,
      logGroup,
      role,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        ...(quietHours ? { QUIET_HOURS: quietHours } : {}),
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_SHIM,
        // Bundle @aws-sdk/* too: pinned versions, smaller cold start than the runtime's copy.
        externalModules: [],
        ...(sourceMaps
          ? { sourceMap: true, sourceMapMode: SourceMapMode.DEFAULT, sourcesContent: false }
          : { sourceMap: false }),
        minify: true,
        metafile,
        esbuildArgs: { '--alias': aliases },
        tsconfig: join(REPO_ROOT, 'tsconfig.json'),
        // No Docker on the build machines: always the local esbuild from node_modules.
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => [
            splitBundleCommand(entryAbs, output, { sourceMaps, metafile, aliases }),
            ...(props.bundleFiles ?? []).map((file) => `cp "${join(REPO_ROOT, file)}" "${output}/"`),
          ],
        },
      },
    });

    this.functionId = id;
    this.entryPath = props.entry;
    this.functionLogGroup = logGroup;

    const cfn = this.node.defaultChild as lambda.CfnFunction;
    cfn.addMetadata(FUNCTION_ID_METADATA, id);
    cfn.addMetadata(FUNCTION_ENTRY_METADATA, props.entry);

    if (isChina(this))
      Validations.of(this).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason: 'AWS China offers no Lambda X-Ray integration; logs and metrics remain.',
      });
    // Tracing.ACTIVE adds xray:PutTraceSegments / xray:PutTelemetryRecords on "*".
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray actions (xray:PutTraceSegments, xray:PutTelemetryRecords) use "*": X-Ray supports no resource-level permissions.',
    });
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously only (Step Functions lambda:invoke with Retry/Catch, API Gateway); failures return to the caller, a DLQ would never receive anything.',
    });
  }
}
