/**
 * The visit photos' bucket and who may touch it: private, encrypted, TLS only, not versioned, the
 * lifecycle that clears abandoned uploads, CORS for the pages, the upload check wired to
 * ObjectCreated — and IAM held to the registry's `files` access, evaluated with iam-simulate. The S3
 * adapter's presigned POST is decoded: its policy pins the key, the type and the size, and the
 * signing function's synthesized policy allows exactly that write.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { s3Files } from '#files/s3';
import { ALL_FUNCTIONS } from '#functions/registry';
import {
  actionsOf,
  PLACEHOLDER_ACCOUNT,
  resolveWithPlaceholders,
  resourcesOf,
  roleOfFunction,
  type Statement,
  statementsOfRole,
  synthRounds,
} from '#support/template';

const { stack, template, json, idOf } = synthRounds();
const bucketId = idOf(stack.attachments.bucket);
const objectArn = (key: string) => `arn:aws:s3:::${bucketId}/${key}`;
const PHOTO = 'visits/2026-Q4.chunan/att-abcdefghijklmnopqrst';

/** The function's id → its logical id, for every function in the stack. */
const functionLogicalIds: Record<string, string> = Object.fromEntries(
  Object.entries<{ Metadata?: Record<string, string> }>(json.Resources)
    .filter(([, r]) => r.Metadata?.['mountain-rounds:function-id'])
    .map(([id, r]) => [r.Metadata?.['mountain-rounds:function-id'] as string, id]),
);
const statementsOf = (functionId: string): Statement[] =>
  statementsOfRole(json, roleOfFunction(json, functionLogicalIds[functionId] as string)).map((s) => ({
    ...s,
    Resource: resourcesOf(s).map((r) => resolveWithPlaceholders(r, json.Resources)),
  }));

async function decision(functionId: string, action: string, resource: string): Promise<string | undefined> {
  const result = await runSimulation(
    {
      identityPolicies: [
        { name: 'role', policy: { Version: '2012-10-17', Statement: statementsOf(functionId) } },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action,
        principal: `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:role/fn`,
        resource: { accountId: PLACEHOLDER_ACCOUNT, resource },
        contextVariables: {},
      },
    } as never,
    {},
  );
  return (result as { overallResult?: string }).overallResult;
}

describe('the attachments bucket', () => {
  it('is private, S3-encrypted, not versioned, logs its access, and keeps its data when the stack goes', () => {
    const bucket = json.Resources[bucketId];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    expect(bucket.Properties.LoggingConfiguration.LogFilePrefix).toBe('attachments/');
  });

  it('refuses every request that is not TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('aborts incomplete multipart uploads after a day and expires uploads still tagged pending after two', () => {
    const rules = json.Resources[bucketId].Properties.LifecycleConfiguration.Rules;
    expect(rules).toEqual([
      {
        Id: 'abort-incomplete-multipart',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: 'Enabled',
      },
      {
        Id: 'expire-unconfirmed-uploads',
        TagFilters: [{ Key: 'upload', Value: 'pending' }],
        ExpirationInDays: 2,
        Status: 'Enabled',
      },
    ]);
  });

  it('lets the pages’ origin POST uploads and GET photos (CORS), and no other origin', () => {
    const [rule, ...others] = json.Resources[bucketId].Properties.CorsConfiguration.CorsRules;
    expect(others).toEqual([]);
    expect(rule.AllowedMethods.sort()).toEqual(['GET', 'POST']);
    expect(rule.AllowedOrigins).toHaveLength(1);
    expect(JSON.stringify(rule.AllowedOrigins[0])).toContain(idOf(stack.pages.distribution));
  });

  it('sends ObjectCreated under visits/ to the upload check', () => {
    const confirm = functionLogicalIds.ConfirmAttachmentUpload as string;
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucketId },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'visits/' }] } },
            LambdaFunctionArn: { 'Fn::GetAtt': [confirm, 'Arn'] },
          },
        ],
      },
    });
  });
});

describe('IAM on the attachments bucket', () => {
  it('names the bucket (ATTACHMENTS_BUCKET) to exactly the functions the registry gives `files` access', () => {
    const withFiles = Object.entries(ALL_FUNCTIONS)
      .filter(([, wiring]) => wiring.files)
      .map(([id]) => id)
      .sort();
    // GetReports reads the typical cases' photos (signed URLs, the Word document's bytes).
    expect(withFiles).toEqual(['ConfirmAttachmentUpload', 'GetReports', 'GetVisit', 'ManageAttachments']);
    const named = Object.entries(functionLogicalIds)
      .filter(
        ([, logicalId]) => json.Resources[logicalId].Properties.Environment?.Variables?.ATTACHMENTS_BUCKET,
      )
      .map(([id]) => id)
      .sort();
    expect(named).toEqual(withFiles);
    const s3Users = Object.keys(functionLogicalIds)
      .filter((id) => statementsOf(id).some((s) => actionsOf(s).some((a) => a.startsWith('s3:'))))
      .sort();
    expect(s3Users).toEqual(withFiles);
  });

  it.each([
    ['ManageAttachments', 's3:PutObject', 'Allowed'],
    ['ManageAttachments', 's3:PutObjectTagging', 'Allowed'],
    ['ManageAttachments', 's3:DeleteObject', 'Allowed'],
    ['ManageAttachments', 's3:DeleteObjectTagging', 'ImplicitlyDenied'],
    ['GetVisit', 's3:GetObject', 'Allowed'],
    ['GetVisit', 's3:PutObject', 'ImplicitlyDenied'],
    ['GetReports', 's3:GetObject', 'Allowed'],
    ['GetReports', 's3:PutObject', 'ImplicitlyDenied'],
    ['GetReports', 's3:DeleteObject', 'ImplicitlyDenied'],
    ['GetVisit', 's3:DeleteObject', 'ImplicitlyDenied'],
    ['ConfirmAttachmentUpload', 's3:GetObject', 'Allowed'],
    ['ConfirmAttachmentUpload', 's3:DeleteObject', 'Allowed'],
    ['ConfirmAttachmentUpload', 's3:DeleteObjectTagging', 'Allowed'],
    ['ConfirmAttachmentUpload', 's3:PutObject', 'ImplicitlyDenied'],
    ['FileVisitReport', 's3:GetObject', 'ImplicitlyDenied'],
  ])('%s: %s on a photo is %s', async (functionId, action, expected) => {
    expect(await decision(functionId, action, objectArn(PHOTO))).toBe(expected);
  });

  it('grants nothing outside visits/ nor on another bucket', async () => {
    expect(await decision('ManageAttachments', 's3:PutObject', objectArn('elsewhere/x'))).toBe(
      'ImplicitlyDenied',
    );
    expect(
      await decision(
        'ManageAttachments',
        's3:PutObject',
        `arn:aws:s3:::${idOf(stack.pages.bucket)}/${PHOTO}`,
      ),
    ).toBe('ImplicitlyDenied');
  });
});

describe('the S3 files adapter', () => {
  const client = new S3Client({
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' },
  });
  const files = s3Files(client, () => bucketId);

  it('signs a POST whose policy pins the key, the content type, the size range and the pending tag', async () => {
    const form = await files.uploadForm({
      key: PHOTO,
      contentType: 'image/jpeg',
      maxBytes: 812_345,
      expiresInSeconds: 3600,
    });
    expect(form.url).toContain(bucketId);
    const policy = JSON.parse(Buffer.from(form.fields.Policy as string, 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { key: PHOTO },
        { bucket: bucketId },
        { 'Content-Type': 'image/jpeg' },
        ['content-length-range', 1, 812_345],
        { tagging: expect.stringContaining('<Key>upload</Key><Value>pending</Value>') },
      ]),
    );
    // Nothing in the policy leaves the key or type open (no starts-with).
    expect(policy.conditions.filter((c: unknown) => Array.isArray(c) && c[0] === 'starts-with')).toEqual([]);
    expect(Date.parse(policy.expiration) - Date.now()).toBeGreaterThan(3500_000);
    expect(form.fields).toMatchObject({
      key: PHOTO,
      'Content-Type': 'image/jpeg',
      'X-Amz-Security-Token': 'session',
    });
    // What the form writes (the object, with its tag), the signing function's role allows.
    expect(await decision('ManageAttachments', 's3:PutObject', objectArn(PHOTO))).toBe('Allowed');
    expect(await decision('ManageAttachments', 's3:PutObjectTagging', objectArn(PHOTO))).toBe('Allowed');
  });

  it('signs a GET valid for ten minutes that answers the photo inline with its type', async () => {
    const url = new URL(await files.readUrl(PHOTO, 'image/webp', 600));
    expect(url.pathname).toContain('att-abcdefghijklmnopqrst');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('response-content-type')).toBe('image/webp');
    expect(url.searchParams.get('response-content-disposition')).toBe('inline');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(await decision('GetVisit', 's3:GetObject', objectArn(PHOTO))).toBe('Allowed');
  });
});
