import type { S3Event } from 'aws-lambda';
import { logger } from '#commons/logger';
import { confirmUpload } from '#services/attachments';

/**
 * S3 ObjectCreated on the attachments bucket (infra/attachments.ts): each uploaded object is checked
 * and its attachment marked stored, or the object deleted and the attachment rejected
 * (functions/services/attachments.ts confirmUpload). A failure is thrown, so S3's asynchronous
 * invocation retries it; settling is conditional, so a retry lands once.
 */
export async function handler(event: S3Event): Promise<void> {
  for (const record of event.Records) {
    // Object keys arrive URL-encoded, spaces as "+".
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const outcome = await confirmUpload(key);
    logger.info('attachment upload checked', { key, status: outcome.status });
  }
}
