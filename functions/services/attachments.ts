import { ConflictError, ForbiddenError, NotFoundError } from '#commons/errors';
import { actorOf, type Caller, requireOwnCounty } from '#commons/http';
import { logger } from '#commons/logger';
import {
  attachmentObjectKey,
  IMAGE_HEAD_BYTES,
  keyedAttachmentId,
  parseAttachmentObjectKey,
  randomAttachmentId,
  uploadProblem,
} from '#domain/attachments';
import { requestHash } from '#domain/needs';
import { files } from '#files/files';
import type { UploadForm } from '#files/port';
import type { AttachmentInput, AttachmentView } from '#schemas/attachments';
import { parseVisitId } from '#schemas/keys';
import { actorLabel, type Bilingual } from '#schemas/labels';
import type { AttachmentRecord } from '#schemas/records';
import {
  createAttachmentOnce,
  getAttachment,
  markRemoved,
  setCaption,
  settleAttachment,
  visitAttachments,
} from '#store/attachments';
import { getOffer } from '#store/offers';
import { getVisit, type VisitRecord } from '#store/rounds';

/*
 * A visit's photos (docs/rules.md "Photos"). Who may add one: a coordinator, the liaison of the
 * visit's county, and a society on the visit — one that accepted its offer (a society only offered
 * it, or one that declined, is not going there). Only the uploader (or a coordinator) captions or
 * removes a photo. The bytes go straight to the files port under a form that pins key, type and
 * size; they count only once checked (`confirmUpload`): no more bytes than announced, and first bytes
 * of the declared image type.
 */

/** How long an upload form is good for: a retry of the POST with its key gets a fresh one. */
export const UPLOAD_FORM_SECONDS = 3600;
/** How long a photo's signed URL opens it. */
export const READ_URL_SECONDS = 600;

async function existingVisit(visitId: string): Promise<VisitRecord> {
  const parts = parseVisitId(visitId);
  const visit = parts && (await getVisit(parts.season, parts.countyId));
  if (!parts || !visit)
    throw new NotFoundError(`没有这次走访（${visitId}）/ visit "${visitId}" does not exist`);
  return visit;
}

/** 404 for no such visit; 403 unless the caller is on it (a coordinator, its county's liaison, a society that accepted). */
export async function visitForUploader(caller: Caller, visitId: string): Promise<VisitRecord> {
  const visit = await existingVisit(visitId);
  if (caller.role === 'liaison') requireOwnCounty(caller, visit.countyId);
  if (caller.role === 'team') {
    const offer = await getOffer(visit.season, visit.countyId, caller.society as string);
    const accepted =
      offer?.status === 'accepted' || (offer?.status === 'offered' && offer.decision === 'accept');
    if (!accepted)
      throw new ForbiddenError(
        '仅承接本次走访的学会、该县联络员和协调人可上传照片 / only a society on this visit (one that accepted it), the county’s liaison and coordinators add photos',
      );
  }
  return visit;
}

type Created = { attachment: AttachmentRecord; upload: UploadForm; replayed: boolean };

/**
 * POST /visits/{id}/attachments: announces a photo and answers the form that uploads it. With an
 * Idempotency-Key a retry answers the same attachment with a fresh form; another body under the key is 409.
 */
export async function createAttachment(
  caller: Caller,
  visitId: string,
  input: AttachmentInput,
  key: string | undefined,
): Promise<Created> {
  const visit = await visitForUploader(caller, visitId);
  const by = actorOf(caller);
  const id = key ? keyedAttachmentId(by, visit.id, key) : randomAttachmentId();
  const record: AttachmentRecord = {
    id,
    visitId: visit.id,
    key: attachmentObjectKey(visit.id, id),
    contentType: input.contentType,
    size: input.size,
    ...(input.caption ? { caption: input.caption } : {}),
    ...(input.takenAt ? { takenAt: input.takenAt } : {}),
    ...(input.location ? { location: input.location } : {}),
    by,
    role: caller.role,
    ...(caller.society ? { societyId: caller.society } : {}),
    createdAt: new Date().toISOString(),
    status: 'pending',
  };
  const outcome = await createAttachmentOnce(record, requestHash(input));
  if (outcome.kind === 'key-reused')
    throw new ConflictError(
      '此幂等键已用于另一份内容的提交 / this Idempotency-Key was used with a different request body',
    );
  const attachment = outcome.attachment;
  if (attachment.status !== 'pending') {
    // Its bytes came already (or were refused): no second upload under the same key.
    return { attachment, upload: { url: '', fields: {}, expiresAt: attachment.createdAt }, replayed: true };
  }
  const upload = await files().uploadForm({
    key: attachment.key,
    contentType: attachment.contentType,
    maxBytes: attachment.size,
    expiresInSeconds: UPLOAD_FORM_SECONDS,
  });
  return { attachment, upload, replayed: outcome.kind === 'replayed' };
}

/** An attachment of the visit that the caller may change: its uploader, or a coordinator. */
async function ownAttachment(
  caller: Caller,
  visitId: string,
  attachmentId: string,
): Promise<AttachmentRecord> {
  const visit = await existingVisit(visitId);
  const attachment = await getAttachment(visit.id, attachmentId);
  if (!attachment || attachment.status === 'rejected' || attachment.status === 'removed')
    throw new NotFoundError(
      `本次走访没有这张照片（${attachmentId}）/ this visit has no attachment "${attachmentId}"`,
    );
  if (caller.role !== 'coordinator' && attachment.by !== actorOf(caller))
    throw new ForbiddenError(
      '只有上传者本人或协调人可修改或删除这张照片 / only the person who uploaded this photo, or a coordinator, may change or remove it',
    );
  return attachment;
}

export async function captionAttachment(
  caller: Caller,
  visitId: string,
  attachmentId: string,
  caption: string,
): Promise<AttachmentRecord> {
  const attachment = await ownAttachment(caller, visitId, attachmentId);
  return setCaption(attachment.visitId, attachment.id, caption);
}

/** Removes the photo and its bytes. */
export async function removeAttachment(caller: Caller, visitId: string, attachmentId: string): Promise<void> {
  const attachment = await ownAttachment(caller, visitId, attachmentId);
  await markRemoved(attachment.visitId, attachment.id, new Date().toISOString());
  await files().remove(attachment.key);
}

export type UploadOutcome =
  | { status: 'stored'; attachment: AttachmentRecord }
  | { status: 'rejected'; reason: Bilingual }
  | { status: 'unknown' };

/**
 * Checks the bytes uploaded under `key` and settles their attachment: `stored` when they are no
 * more than announced and of the declared image type, else the object is deleted and the attachment
 * `rejected`. S3's ObjectCreated event calls it (functions/triggers/confirm-attachment-upload.ts); on
 * one machine the upload endpoint does, before it answers. Bytes no attachment announced are deleted.
 */
export async function confirmUpload(key: string): Promise<UploadOutcome> {
  const named = parseAttachmentObjectKey(key);
  const attachment = named && (await getAttachment(named.visitId, named.attachmentId));
  if (!attachment || attachment.status === 'rejected' || attachment.status === 'removed') {
    logger.warn('upload without a pending attachment: deleted', { key });
    await files().remove(key);
    return { status: 'unknown' };
  }
  if (attachment.status === 'stored') return { status: 'stored', attachment };
  const stored = await files().inspect(key, IMAGE_HEAD_BYTES);
  if (!stored) return { status: 'unknown' };
  const problem = uploadProblem(attachment, stored);
  const at = new Date().toISOString();
  if (problem) {
    await files().remove(key);
    await settleAttachment(attachment.visitId, attachment.id, {
      status: 'rejected',
      reason: `${problem.zh} / ${problem.en}`,
      at,
    });
    return { status: 'rejected', reason: problem };
  }
  await files().keep(key);
  await settleAttachment(attachment.visitId, attachment.id, { status: 'stored', size: stored.size, at });
  return {
    status: 'stored',
    attachment: { ...attachment, status: 'stored', size: stored.size, storedAt: at },
  };
}

/** The view of an attachment (without URL): who uploaded it by role and name. */
export function attachmentSummary(
  record: AttachmentRecord,
  societyName: (id: string) => Bilingual | undefined,
) {
  return {
    id: record.id,
    ...(record.caption ? { caption: record.caption } : {}),
    contentType: record.contentType,
    size: record.size,
    ...(record.takenAt ? { takenAt: record.takenAt } : {}),
    ...(record.location ? { location: record.location } : {}),
    uploadedBy: { role: record.role, name: actorLabel(record.by, societyName) },
    uploadedAt: record.storedAt ?? record.createdAt,
    status: record.status,
  };
}

/** A visit's stored photos (1 Query of its partition): what GET /visits/{id} lists. */
export async function storedAttachments(visitId: string): Promise<AttachmentRecord[]> {
  return (await visitAttachments(visitId)).filter((a) => a.status === 'stored');
}

/** Stored photos as listed, each with a signed URL that opens it for READ_URL_SECONDS. */
export async function attachmentViews(
  records: readonly AttachmentRecord[],
  societyName: (id: string) => Bilingual | undefined,
): Promise<AttachmentView[]> {
  return Promise.all(
    records.map(async (record) => {
      const { status: _status, ...view } = attachmentSummary(record, societyName);
      return { ...view, url: await files().readUrl(record.key, record.contentType, READ_URL_SECONDS) };
    }),
  );
}
