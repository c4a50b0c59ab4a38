import * as z from 'zod';
import { SubmissionKey } from '#schemas/api';
import {
  AttachmentChanged,
  AttachmentCreated,
  AttachmentId,
  AttachmentInput,
  AttachmentPatch,
} from '#schemas/attachments';
import { VisitId } from '#schemas/primitives';
import { defineRoute } from './route.ts';

const VisitParams = z.strictObject({ visitId: VisitId });
const AttachmentParams = z.strictObject({ visitId: VisitId, attachmentId: AttachmentId });

export const createAttachment = defineRoute({
  method: 'POST',
  path: '/visits/{visitId}/attachments',
  functionId: 'ManageAttachments',
  operationId: 'createAttachment',
  summary: '为走访添加照片：返回上传表单 / add a photo to a visit: answers the form that uploads it',
  description:
    '先声明照片（类型 image/jpeg、image/png 或 image/webp，大小不超过 10 MiB），再把 `upload.fields` 和文件（字段 `file`）以 multipart/form-data POST 到 `upload.url`；上传的字节经检查后照片才列入走访。同一 Idempotency-Key 的重试返回同一张照片和新的上传表单。/ Announce the photo (image/jpeg, image/png or image/webp, at most 10 MiB), then POST `upload.fields` and the file (as `file`) as multipart/form-data to `upload.url`; the photo is listed on the visit once its bytes are checked. A retry with the same Idempotency-Key answers the same photo with a fresh form.',
  tag: 'visits',
  access: { roles: ['coordinator', 'liaison', 'team'], ownCounty: true, ownSociety: true },
  params: VisitParams,
  headers: z.object({ 'Idempotency-Key': SubmissionKey.optional() }),
  body: AttachmentInput,
  responses: {
    201: {
      description: '照片已声明，附上传表单 / announced, with its upload form',
      schema: AttachmentCreated,
    },
    200: {
      description: '重试：同一张照片，新的上传表单 / a retry: the same photo, a fresh form',
      schema: AttachmentCreated,
    },
  },
  errors: [404, 409],
  readCost:
    '1 GetItem of the visit (+ 1 GetItem of the offer for a team) + 1 conditional PutItem (+ 1 GetItem for a retried Idempotency-Key)',
});

export const updateAttachment = defineRoute({
  method: 'PATCH',
  path: '/visits/{visitId}/attachments/{attachmentId}',
  functionId: 'ManageAttachments',
  operationId: 'updateAttachment',
  summary: '修改照片说明（上传者本人或协调人）/ caption a photo (its uploader or a coordinator)',
  tag: 'visits',
  access: { roles: ['coordinator', 'liaison', 'team'], ownCounty: true, ownSociety: true },
  params: AttachmentParams,
  body: AttachmentPatch,
  responses: { 200: { description: '已修改 / changed', schema: AttachmentChanged } },
  errors: [404],
  readCost: '1 GetItem of the visit + 1 GetItem of the attachment',
});

export const removeAttachment = defineRoute({
  method: 'DELETE',
  path: '/visits/{visitId}/attachments/{attachmentId}',
  functionId: 'ManageAttachments',
  operationId: 'removeAttachment',
  summary: '删除照片（上传者本人或协调人）/ remove a photo (its uploader or a coordinator)',
  tag: 'visits',
  access: { roles: ['coordinator', 'liaison', 'team'], ownCounty: true, ownSociety: true },
  params: AttachmentParams,
  responses: {
    200: { description: '已删除 / removed', schema: z.object({ removed: AttachmentId }) },
  },
  errors: [404],
  readCost: '1 GetItem of the visit + 1 GetItem of the attachment',
});
