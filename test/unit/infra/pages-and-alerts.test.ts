import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { hasFiles, RoundsPages } from '#infra/pages';
import { synthRounds } from '#support/template';

const { stack, template, idOf } = synthRounds();
const siteId = idOf(stack.pages.bucket);
const logsId = idOf(stack.pages.logsBucket);
const topicId = idOf(stack.notifications.topic);

const blockAll = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

describe('pages', () => {
  it('keep the site bucket private and encrypted, logging its access to the logs bucket', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: blockAll,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 's3/' },
      }),
    });
    // The site and the visit photos' bucket (infra/attachments.ts) log their access.
    expect(
      Object.keys(
        template.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: Match.anyValue() } }),
      ).sort(),
    ).toEqual([siteId, idOf(stack.attachments.bucket)].sort());
  });

  it.each([
    ['site', siteId],
    ['logs', logsId],
  ])('deny non-TLS requests to the %s bucket', (_name, bucketId) => {
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

  it('let only this CloudFront distribution read the site, through an origin access control', () => {
    const distributionId = idOf(stack.pages.distribution);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Origins: [Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [Match.anyValue(), 'Id'] } })],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Bucket: { 'Fn::GetAtt': [logsId, 'RegionalDomainName'] } }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: siteId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: {
              StringEquals: {
                'AWS:SourceArn': Match.objectLike({
                  'Fn::Join': ['', Match.arrayWith([{ Ref: distributionId }])],
                }),
              },
            },
          }),
        ]),
      },
    });
  });

  it('upload the pages folder only once it has files', () => {
    const empty = mkdtempSync(join(tmpdir(), 'pages-'));
    try {
      expect(hasFiles(empty)).toBe(false);
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const s = new Stack(app, 'EmptyPages');
      const pages = new RoundsPages(s, 'Pages', { sourceDir: empty });
      expect(pages.deploySite({ apiUrl: 'https://example.invalid' })).toBeUndefined();
      expect(Template.fromStack(s).findResources('Custom::CDKBucketDeployment')).toEqual({});
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('coordinator alerts', () => {
  it('are an SNS topic encrypted with its own rotated key, which CloudWatch alarms may use', () => {
    const keyId = idOf(stack.notifications.key);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('accept publishing over TLS only', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});
