import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CfnElement,
  DefaultStackSynthesizer,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { PAGE_CSP } from '#commons/security-headers';
import { nagArnParts } from './cdk-nag-ids.ts';
import { REPO_ROOT } from './rounds-function.ts';

/** Files in `pages/` that are sources or tests, not something a browser should get. */
export const PAGES_EXCLUDE = [
  '*.test.ts',
  '*.test.js',
  '*.spec.ts',
  '**/*.test.ts',
  '**/*.spec.ts',
  '.DS_Store',
];

export interface RoundsPagesProps {
  /**
   * Folder whose files are served.
   * @default `<repo>/pages`
   */
  readonly sourceDir?: string;
  /**
   * Retention of the access logs (S3 server access logs and CloudFront logs).
   * @default Duration.days(90)
   */
  readonly logRetention?: Duration;
  /**
   * AWS China: an origin access identity (no origin access control there) and no CloudFront
   * Function (extension-less copies of the pages instead, `deploySite`).
   * @default false
   */
  readonly china?: boolean;
  /**
   * A custom domain (AWS China: ICP-recorded) and its IAM server certificate id (CloudFront in
   * China takes no ACM certificate).
   * @default - the CloudFront domain
   */
  readonly pagesDomain?: { readonly domainName: string; readonly iamCertificateId: string };
}

/**
 * CloudFront Function (viewer request): a page path without an extension is its `.html` file, so
 * the sign-in callback `/signin` (and `/signin#code=…` links) reach `signin.html` in the bucket.
 */
export const PAGE_PATH_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last !== '' && last.indexOf('.') === -1) request.uri = uri + '.html';
  return request;
}`;

/** True when `dir` holds at least one file (at any depth). */
export function hasFiles(dir: string): boolean {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return false;
  }
  return entries.some((name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    return stat.isFile() || (stat.isDirectory() && hasFiles(path));
  });
}

/**
 * The pages: a private, encrypted, TLS-only S3 bucket served by CloudFront through an origin
 * access control; access logs of both go to a separate logs bucket.
 */
export class RoundsPages extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly logsBucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  /** Set by `deploySite()`; stays undefined while `pages/` has no files. */
  public deployment?: s3deploy.BucketDeployment;
  private readonly sourceDir: string;
  private readonly china: boolean;
  private readonly domainName?: string;

  constructor(scope: Construct, id: string, props: RoundsPagesProps = {}) {
    super(scope, id);
    this.sourceDir = props.sourceDir ?? join(REPO_ROOT, 'pages');
    this.china = props.china ?? false;
    if (props.pagesDomain) this.domainName = props.pagesDomain.domainName;

    this.logsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: props.logRetention ?? Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 's3/',
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const origin = this.china
      ? origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket)
      : origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    // One strict CSP and the same headers as the local server (functions/commons/security-headers.ts).
    const pageHeaders = (
      id: string,
      comment: string,
      customHeadersBehavior?: cloudfront.ResponseCustomHeadersBehavior,
    ) =>
      new cloudfront.ResponseHeadersPolicy(this, id, {
        comment,
        ...(customHeadersBehavior ? { customHeadersBehavior } : {}),
        securityHeadersBehavior: {
          contentSecurityPolicy: { contentSecurityPolicy: PAGE_CSP, override: true },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
          referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
          strictTransportSecurity: {
            accessControlMaxAge: Duration.days(365),
            includeSubdomains: true,
            override: true,
          },
        },
      });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Mountain rounds pages',
      defaultRootObject: 'index.html',
      // The service worker is never cached, at the edge or in the browser: a new version of the
      // pages is found at the next visit (docs/architecture.md, the pages offline).
      additionalBehaviors: {
        '/sw.js': {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: pageHeaders('ServiceWorkerHeaders', 'The pages service worker: no-cache', {
            customHeaders: [{ header: 'Cache-Control', value: 'no-cache', override: true }],
          }),
          compress: true,
        },
      },
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: pageHeaders(
          'PageHeaders',
          'The pages: the same CSP and headers as the local server',
        ),
        compress: true,
        ...(this.china
          ? {}
          : {
              functionAssociations: [
                {
                  eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
                  function: new cloudfront.Function(this, 'PagePaths', {
                    comment: 'Extension-less page paths (/signin) to their .html file',
                    code: cloudfront.FunctionCode.fromInline(PAGE_PATH_FUNCTION_CODE),
                    runtime: cloudfront.FunctionRuntime.JS_2_0,
                  }),
                },
              ],
            }),
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
    });
    if (this.china)
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR7',
        reason:
          'CloudFront in AWS China has no origin access control: the bucket is reached through an origin access identity, and stays private.',
      });
    if (props.pagesDomain) {
      // CloudFront in China serves a custom domain with an IAM server certificate only.
      const cfn = this.distribution.node.defaultChild as cloudfront.CfnDistribution;
      cfn.addPropertyOverride('DistributionConfig.Aliases', [props.pagesDomain.domainName]);
      cfn.addPropertyOverride('DistributionConfig.ViewerCertificate', {
        IamCertificateId: props.pagesDomain.iamCertificateId,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: 'TLSv1.2_2021',
      });
    }
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: society teams and coordinators travel and may open the pages from abroad; the pages hold no data, the API behind them requires sign-in.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'Static pages only (no forms posted to CloudFront, no origin compute); the API is throttled and authenticated separately. A WAF web ACL would cost more than the content it guards.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'Served on the default *.cloudfront.net certificate until the association provides a domain (its TLS policy is fixed by CloudFront); with a custom certificate set minimumProtocolVersion TLSv1.2_2021.',
    });
  }

  /**
   * Uploads the pages (and `runtime-config.json` with e.g. the API URL and user pool ids, which
   * exist only once the API is built) and invalidates the distribution. Does nothing while the
   * source folder has no files yet.
   */
  public deploySite(runtimeConfig?: Readonly<Record<string, string>>): s3deploy.BucketDeployment | undefined {
    if (this.deployment) throw new Error('RoundsPages.deploySite() may be called once');
    if (!hasFiles(this.sourceDir)) return undefined;
    const sources = [s3deploy.Source.asset(this.sourceDir, { exclude: PAGES_EXCLUDE })];
    if (runtimeConfig) sources.push(s3deploy.Source.jsonData('runtime-config.json', runtimeConfig));
    // No CloudFront Function in China: each top-level page is also stored under its name without
    // `.html` (`signin` = signin.html, as text/html), the paths PAGE_PATH_FUNCTION_CODE maps elsewhere.
    const pagePaths = this.china
      ? readdirSync(this.sourceDir)
          .filter((name) => name.endsWith('.html'))
          .map((name) => name.slice(0, -'.html'.length))
      : [];
    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources,
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
      // The copies are the other deployment's: not pruned by this one.
      ...(pagePaths.length > 0 ? { exclude: pagePaths } : {}),
    });
    if (pagePaths.length > 0) {
      const copies = new s3deploy.BucketDeployment(this, 'DeployPagePaths', {
        sources: pagePaths.map((path) =>
          s3deploy.Source.data(path, readFileSync(join(this.sourceDir, `${path}.html`), 'utf8')),
        ),
        destinationBucket: this.bucket,
        contentType: 'text/html; charset=utf-8',
        prune: false,
        distribution: this.distribution,
        distributionPaths: pagePaths.map((path) => `/${path}`),
        memoryLimit: 512,
      });
      copies.node.addDependency(this.deployment);
    }
    acknowledgeBucketDeploymentFindings(this.deployment, this.bucket);
    return this.deployment;
  }

  /** The pages' URL. */
  public get url(): string {
    return `https://${this.domainName ?? this.distribution.distributionDomainName}`;
  }
}

/**
 * BucketDeployment runs a CDK-provided singleton Lambda (a custom resource) at deploy time; its
 * shape is not ours to change. Its findings are acknowledged on that function (and so its role) only.
 */
function acknowledgeBucketDeploymentFindings(
  deployment: s3deploy.BucketDeployment,
  siteBucket: s3.Bucket,
): void {
  const stack = Stack.of(deployment);
  const siteBucketId = stack.getLogicalId(siteBucket.node.defaultChild as CfnElement);
  // cdk-nag renders unresolved pseudo parameters as <AWS::…>, concrete ones (an env-bound stack) as they are.
  const { partition, account, region } = nagArnParts(stack);
  const assetBucket = `arn:${partition}:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${account}-${region}/*`;
  const handler = 'CDK BucketDeployment custom-resource handler (runs only while deploying)';
  const findings: [string, string][] = [
    [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      `${handler}: aws-cdk-lib creates its role with the basic execution managed policy (CloudWatch Logs only).`,
    ],
    ['AwsSolutions-L1', `${handler}: aws-cdk-lib pins its Python runtime.`],
    ['Serverless-LambdaLatestVersion', `${handler}: aws-cdk-lib pins its Python runtime.`],
    [
      'Serverless-LambdaDLQ',
      `${handler}: invoked by CloudFormation, which reports a failure as a failed deployment.`,
    ],
    ['Serverless-LambdaTracing', `${handler}: deploy-time only, on no request path.`],
    ...[
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      `Resource::${assetBucket}`,
      `Resource::<${siteBucketId}.Arn>/*`,
    ].map((finding): [string, string] => [
      `AwsSolutions-IAM5[${finding}]`,
      `${handler}: aws-cdk-lib grants it read on the CDK asset bucket and read/write on the site bucket's objects; nothing else.`,
    ]),
    [
      'AwsSolutions-IAM5[Resource::*]',
      `${handler}: cloudfront:CreateInvalidation, which the construct grants on "*" to invalidate the pages after upload.`,
    ],
  ];
  for (const construct of stack.node.children) {
    if (!construct.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    for (const [id, reason] of findings) Validations.of(construct).acknowledge({ id, reason });
  }
}
