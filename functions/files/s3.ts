import {
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { memoized, requiredEnv } from '#commons/config';
import type { FilesPort, StoredObject, UploadForm, UploadPolicy } from './port.ts';

/**
 * The files port on S3 (the attachments bucket, infra/attachments.ts). An upload is a presigned POST
 * whose policy pins the key, the content type and `content-length-range` [1, maxBytes], and tags the
 * object `upload=pending`: the bucket's lifecycle expires pending objects that were never confirmed,
 * and confirming one (functions/triggers/confirm-attachment-upload.ts) removes the tag.
 */
export const PENDING_TAG = { key: 'upload', value: 'pending' } as const;
const PENDING_TAGGING = `<Tagging><TagSet><Tag><Key>${PENDING_TAG.key}</Key><Value>${PENDING_TAG.value}</Value></Tag></TagSet></Tagging>`;

export const attachmentsBucket = memoized(() => requiredEnv('ATTACHMENTS_BUCKET'));

export function s3Files(
  client: S3Client = new S3Client({ maxAttempts: 3 }),
  bucket: () => string = attachmentsBucket,
): FilesPort {
  return {
    async uploadForm(policy: UploadPolicy): Promise<UploadForm> {
      const expiresAt = new Date(Date.now() + policy.expiresInSeconds * 1000).toISOString();
      const { url, fields } = await createPresignedPost(client, {
        Bucket: bucket(),
        Key: policy.key,
        Conditions: [['content-length-range', 1, policy.maxBytes]],
        Fields: { 'Content-Type': policy.contentType, tagging: PENDING_TAGGING },
        Expires: policy.expiresInSeconds,
      });
      return { url, fields, expiresAt };
    },
    readUrl(key, contentType, expiresInSeconds) {
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket(),
          Key: key,
          ResponseContentType: contentType,
          ResponseContentDisposition: 'inline',
        }),
        { expiresIn: expiresInSeconds },
      );
    },
    async inspect(key, headBytes): Promise<StoredObject | undefined> {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
        const size = head.ContentLength ?? 0;
        if (size === 0) return { size, head: new Uint8Array() };
        const object = await client.send(
          new GetObjectCommand({ Bucket: bucket(), Key: key, Range: `bytes=0-${headBytes - 1}` }),
        );
        return { size, head: (await object.Body?.transformToByteArray()) ?? new Uint8Array() };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async readBytes(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
        return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async keep(key) {
      await client.send(new DeleteObjectTaggingCommand({ Bucket: bucket(), Key: key }));
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
    },
  };
}

function isMissing(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name === 'NoSuchKey' || name === 'NotFound';
}
