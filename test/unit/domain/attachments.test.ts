import { describe, expect, it } from 'vitest';
import {
  attachmentObjectKey,
  imageTypeOf,
  keyedAttachmentId,
  parseAttachmentObjectKey,
  randomAttachmentId,
  uploadProblem,
} from '#domain/attachments';
import { AttachmentId } from '#schemas/attachments';

const bytes = (...values: (number | string)[]) =>
  Uint8Array.from(values.flatMap((v) => (typeof v === 'string' ? [...Buffer.from(v, 'latin1')] : [v])));

describe('a photo’s first bytes', () => {
  it('tell JPEG, PNG and WebP apart, and nothing else passes for one', () => {
    expect(imageTypeOf(bytes(0xff, 0xd8, 0xff, 0xe1, 0, 0, 'Exif'))).toBe('image/jpeg');
    expect(imageTypeOf(bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13))).toBe('image/png');
    expect(imageTypeOf(bytes('RIFF', 0x10, 0, 0, 0, 'WEBP'))).toBe('image/webp');
    expect(imageTypeOf(bytes('GIF89a', 0, 0, 0, 0, 0, 0))).toBeUndefined();
    expect(imageTypeOf(bytes('RIFF', 0x10, 0, 0, 0, 'WAVE'))).toBeUndefined();
    expect(imageTypeOf(bytes('<svg xmlns="'))).toBeUndefined();
    expect(imageTypeOf(new Uint8Array())).toBeUndefined();
  });

  it('make an upload a problem when it is more than announced, empty, or of another type', () => {
    const jpegHead = bytes(0xff, 0xd8, 0xff, 0xe0);
    expect(
      uploadProblem({ contentType: 'image/jpeg', size: 100 }, { size: 100, head: jpegHead }),
    ).toBeUndefined();
    expect(
      uploadProblem({ contentType: 'image/jpeg', size: 100 }, { size: 101, head: jpegHead })?.en,
    ).toMatch(/more than the 100 announced/);
    expect(
      uploadProblem({ contentType: 'image/jpeg', size: 100 }, { size: 0, head: new Uint8Array() })?.zh,
    ).toBe('文件为空');
    expect(uploadProblem({ contentType: 'image/png', size: 100 }, { size: 50, head: jpegHead })?.en).toMatch(
      /not the image\/png image/,
    );
  });
});

describe('an attachment’s id and key', () => {
  it('comes from the caller, the visit and the Idempotency-Key, so a retry meets the same attachment', () => {
    const id = keyedAttachmentId('zj-agri:lead', '2026-Q4.chunan', 'key-0001');
    expect(AttachmentId.safeParse(id).success).toBe(true);
    expect(keyedAttachmentId('zj-agri:lead', '2026-Q4.chunan', 'key-0001')).toBe(id);
    expect(keyedAttachmentId('zj-agri:other', '2026-Q4.chunan', 'key-0001')).not.toBe(id);
    expect(keyedAttachmentId('zj-agri:lead', '2026-Q4.tonglu', 'key-0001')).not.toBe(id);
    expect(AttachmentId.safeParse(randomAttachmentId()).success).toBe(true);
  });

  it('names its object visits/<visitId>/<attachmentId>, and only such keys name an attachment', () => {
    const key = attachmentObjectKey('2026-Q4.chunan', 'att-abcdefghijklmnopqrst');
    expect(key).toBe('visits/2026-Q4.chunan/att-abcdefghijklmnopqrst');
    expect(parseAttachmentObjectKey(key)).toEqual({
      visitId: '2026-Q4.chunan',
      attachmentId: 'att-abcdefghijklmnopqrst',
    });
    for (const other of [
      'visits/2026-Q4.chunan/../../token-key',
      'visits/2026-Q4.chunan/att-abcdefghijklmnopqrst/x',
      '/visits/2026-Q4.chunan/att-abcdefghijklmnopqrst',
      'elsewhere/att-abcdefghijklmnopqrst',
    ])
      expect(parseAttachmentObjectKey(other), other).toBeUndefined();
  });
});
