import { createHash, randomBytes } from 'node:crypto';
import type { AttachmentType } from '#schemas/attachments';

/*
 * The rules of a visit's photos as plain functions: an attachment's id and object key, and what the
 * first bytes of an image must be for its declared type. No AWS here (docs/rules.md "Photos").
 */

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === length) break;
  }
  return out;
}

/**
 * The id of the attachment a POST with an Idempotency-Key creates: the caller, the visit and the key
 * decide it, so a retry lands on the same item and one conditional put decides which request made it.
 */
export function keyedAttachmentId(actor: string, visitId: string, key: string): string {
  return `att-${base32(createHash('sha256').update(`${actor}\n${visitId}\n${key}`).digest(), 20)}`;
}

export function randomAttachmentId(): string {
  return `att-${base32(randomBytes(16), 20)}`;
}

/** The object an attachment's bytes are kept under: `visits/<visitId>/<attachmentId>`. */
export function attachmentObjectKey(visitId: string, attachmentId: string): string {
  return `visits/${visitId}/${attachmentId}`;
}

const OBJECT_KEY = /^visits\/(\d{4}-Q[1-4]\.[a-z0-9-]{1,64})\/(att-[a-z2-7]{20})$/;

/** The visit and attachment an object key names, or undefined for a key no attachment has. */
export function parseAttachmentObjectKey(key: string): { visitId: string; attachmentId: string } | undefined {
  const match = OBJECT_KEY.exec(key);
  return match ? { visitId: match[1] as string, attachmentId: match[2] as string } : undefined;
}

/** How many first bytes tell the image types apart. */
export const IMAGE_HEAD_BYTES = 12;

/** The image type the first bytes show (JPEG, PNG, WebP), or undefined for anything else. */
export function imageTypeOf(head: Uint8Array): AttachmentType | undefined {
  const at = (i: number) => head[i];
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((b, i) => at(i) === b)) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/** Why stored bytes are not the announced photo, or undefined when they are. */
export function uploadProblem(
  announced: { contentType: AttachmentType; size: number },
  stored: { size: number; head: Uint8Array },
): { zh: string; en: string } | undefined {
  if (stored.size < 1) return { zh: '文件为空', en: 'the file is empty' };
  if (stored.size > announced.size)
    return {
      zh: `文件有 ${stored.size} 字节，超过申报的 ${announced.size} 字节`,
      en: `the file has ${stored.size} bytes, more than the ${announced.size} announced`,
    };
  const actual = imageTypeOf(stored.head);
  if (actual !== announced.contentType)
    return {
      zh: `文件内容不是申报的 ${announced.contentType} 图片`,
      en: `the file's content is not the ${announced.contentType} image announced`,
    };
  return undefined;
}
