import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { FILE_FUNCTIONS, type FilesAccess } from '#functions/registry';
import { RoundsFunction } from './rounds-function.ts';
import type { RoundsTable } from './table.ts';

/** The tag an uploaded object carries until its check keeps it (functions/files/s3.ts). */
export const PENDING_UPLOAD_TAG = { key: 'upload', value: 'pending' } as const;

/** Objects are kept under `visits/<visitId>/<attachmentId>` (domain/attachments.ts). */
export const ATTACHMENT_PREFIX = 'visits/';

export interface AttachmentsProps {
  readonly table: RoundsTable;
  /** Origins whose pages POST uploads and load photos (the pages' CloudFront URL). */
  readonly corsOrigins: readonly string[];
  /** Where the bucket's server access logs go (the pages' logs bucket). */
  readonly accessLogsBucket: s3.IBucket;
}

/**
 * The visit photos' bucket and the function that checks each upload. Private, S3-managed
 * encryption, TLS only, access logs. Not versioned: an object is written once under a key of its own
 * and never overwritten, and a removed photo must be gone rather than kept as an old version.
 * Lifecycle: an incomplete multipart upload is aborted after a day; an object still tagged
 * `upload=pending` after two days (uploaded, never confirmed — the check failed to run, or a form was
 * used on a removed attachment) expires. Tag-based rather than an `incoming/` prefix: S3 cannot
 * rename, and copying every photo once to move it would double the writes.
 */
export class AttachmentsStore extends Construct {
  public readonly bucket: s3.Bucket;
  /** Registry id → function (ConfirmAttachmentUpload). */
  public readonly functions: Readonly<Record<string, RoundsFunction>>;

  constructor(scope: Construct, id: string, props: AttachmentsProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'attachments/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          id: 'expire-unconfirmed-uploads',
          tagFilters: { [PENDING_UPLOAD_TAG.key]: PENDING_UPLOAD_TAG.value },
          expiration: Duration.days(2),
        },
      ],
      cors: [
        {
          allowedOrigins: [...props.corsOrigins],
          allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.GET],
          allowedHeaders: ['*'],
          maxAge: 3600,
        },
      ],
    });

    const functions: Record<string, RoundsFunction> = {};
    for (const [functionId, wiring] of Object.entries(FILE_FUNCTIONS)) {
      const fn = new RoundsFunction(this, functionId, { entry: wiring.entry });
      props.table.grantTo(fn, wiring.table);
      this.grantTo(fn, wiring.files);
      functions[functionId] = fn;
      this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), {
        prefix: ATTACHMENT_PREFIX,
      });
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked by S3 event notifications, which Lambda retries twice; an upload it never checks stays tagged pending and expires by the bucket lifecycle, and its attachment is never listed.',
      });
    }
    this.functions = functions;
    acknowledgeNotificationsHandler(this);
  }

  /** What a function may do on the bucket's photos (functions/registry.ts FilesAccess), and where the bucket is. */
  public grantTo(fn: lambda.Function, access: FilesAccess | undefined): void {
    if (!access) return;
    fn.addEnvironment('ATTACHMENTS_BUCKET', this.bucket.bucketName);
    const actions = {
      read: ['s3:GetObject'],
      // The presigned POST writes the object with its pending tag; removal deletes it.
      sign: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject'],
      confirm: ['s3:GetObject', 's3:DeleteObject', 's3:DeleteObjectTagging'],
    }[access];
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions,
      resourceArns: [this.bucket.arnForObjects(`${ATTACHMENT_PREFIX}*`)],
    });
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(fn.role ?? fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${ATTACHMENT_PREFIX}*]`,
      reason:
        'Photos are objects under visits/<visitId>/<attachmentId>, one per upload: the grant is on that prefix of the attachments bucket only.',
    });
  }
}

/**
 * S3 event notifications are set through a CDK-provided singleton Lambda (a custom resource) at
 * deploy time; its shape is not ours to change. Its findings are acknowledged on it only.
 */
function acknowledgeNotificationsHandler(scope: Construct): void {
  const stack = Stack.of(scope);
  for (const construct of stack.node.children) {
    if (!construct.node.id.startsWith('BucketNotificationsHandler')) continue;
    for (const [id, reason] of [
      [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'CDK bucket-notifications handler: runs only while deploying, with AWSLambdaBasicExecutionRole.',
      ],
      [
        'AwsSolutions-IAM5[Resource::*]',
        'CDK bucket-notifications handler: s3:PutBucketNotification on "*" is how CDK sets notifications at deploy time.',
      ],
      [
        'Serverless-LambdaDLQ',
        'CDK bucket-notifications handler: a custom resource run by CloudFormation, which reports its failures.',
      ],
      ['Serverless-LambdaTracing', 'CDK bucket-notifications handler: a deploy-time custom resource.'],
      [
        'Serverless-LambdaDefaultMemorySize',
        'CDK bucket-notifications handler: a deploy-time custom resource.',
      ],
      [
        'Serverless-LambdaLatestVersion',
        'CDK bucket-notifications handler: its runtime is the CDK’s choice.',
      ],
      ['AwsSolutions-L1', 'CDK bucket-notifications handler: its runtime is the CDK’s choice.'],
    ] as const) {
      Validations.of(construct).acknowledge({ id, reason });
    }
  }
}
