import { files } from '#files/files';
import { getAttachment } from '#store/attachments';
import { READ_URL_SECONDS } from './attachments.ts';

/*
 * The typical cases' photos: one of the visit's stored attachments (functions/store/attachments.ts),
 * its bytes through the files port (S3, or DATA_DIR on one machine).
 */

export interface CasePhoto {
  bytes: Uint8Array;
  contentType: string;
}

async function storedPhoto(visitId: string, attachmentId: string) {
  const record = await getAttachment(visitId, attachmentId);
  return record?.status === 'stored' ? record : undefined;
}

/** Whether the visit has this photo, stored: POST /visits/{id}/highlight refuses any other. */
export async function visitHasPhoto(visitId: string, attachmentId: string): Promise<boolean> {
  return Boolean(await storedPhoto(visitId, attachmentId));
}

/** A signed URL the report page shows the photo with, or undefined when it is gone. */
export async function casePhotoUrl(visitId: string, attachmentId: string): Promise<string | undefined> {
  const record = await storedPhoto(visitId, attachmentId);
  return record ? files().readUrl(record.key, record.contentType, READ_URL_SECONDS) : undefined;
}

/** The photo's bytes, or undefined when it is gone. */
export async function casePhoto(visitId: string, attachmentId: string): Promise<CasePhoto | undefined> {
  const record = await storedPhoto(visitId, attachmentId);
  const bytes = record && (await files().readBytes(record.key));
  return record && bytes ? { bytes, contentType: record.contentType } : undefined;
}
