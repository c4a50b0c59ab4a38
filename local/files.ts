import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import busboy from 'busboy';
import { IMAGE_HEAD_BYTES, imageTypeOf, parseAttachmentObjectKey } from '#domain/attachments';
import type { FilesPort, UploadForm, UploadPolicy } from '#files/port';
import { authorizeCurrentCaller } from './aws-rules/index.ts';
import { dataDirSecret } from './tokens.ts';

/**
 * The files port on one machine: a photo's bytes under `DATA_DIR/attachments/<key>`. The upload
 * form is the same shape as S3's presigned POST — fields `key`, `Content-Type`, `policy` (base64
 * JSON: expiration, key, content type, most bytes) and `signature` (HMAC-SHA256 of the policy with a
 * key kept in DATA_DIR, like the token key), then `file` — POSTed to the local server's `/uploads`
 * (local/http-server.ts). A read URL is `/files/<key>?type=&expires=&signature=`. Every operation is
 * held to the calling function's IAM policy on the attachments bucket, as S3 would hold it.
 */

export const UPLOAD_PATH = '/uploads';
export const FILES_PATH = '/files/';

const requestOrigins = new AsyncLocalStorage<string>();
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * Runs a request's handler with the origin its forms and links should point at, so a page opened
 * as `localhost:3000` posts to `localhost:3000` (same origin, as the pages' CSP requires): PUBLIC_URL
 * when set (a proxy), else the request's Host; a Host that is no host name leaves the server's own.
 */
export function withRequestOrigin<T>(
  headers: { host?: string | undefined; 'x-forwarded-proto'?: string | string[] | undefined },
  run: () => T,
): T {
  const configured = process.env.PUBLIC_URL?.replace(/\/+$/, '');
  const host = headers.host ?? '';
  const proto =
    String(headers['x-forwarded-proto'] ?? '')
      .split(',')[0]
      ?.trim() === 'https'
      ? 'https'
      : 'http';
  const origin = configured || (HOST.test(host) ? `${proto}://${host}` : undefined);
  return origin ? requestOrigins.run(origin, run) : run();
}

/** The signing key of this DATA_DIR's files (upload forms and photo links). */
export function filesKey(dataDir: string): Buffer {
  return dataDirSecret(dataDir, 'files-key');
}

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('hex');

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The file of a key under DATA_DIR, only for keys an attachment has (no path of one's own). */
function fileOf(dataDir: string, key: string): string | undefined {
  return parseAttachmentObjectKey(key) ? join(dataDir, 'attachments', key) : undefined;
}

interface LocalPolicy {
  expiration: string;
  key: string;
  contentType: string;
  maxBytes: number;
}

/** The bucket IAM is checked against: the template's attachments bucket, when the runtime named it. */
async function authorize(action: string, key: string): Promise<void> {
  const bucket = process.env.ATTACHMENTS_BUCKET;
  if (bucket) await authorizeCurrentCaller(action, [`arn:aws:s3:::${bucket}/${key}`]);
}

export function localFiles(options: { dataDir: string; baseUrl: () => string }): FilesPort {
  const secret = filesKey(options.dataDir);
  const base = () => requestOrigins.getStore() ?? options.baseUrl();
  const pathOf = (key: string) => {
    const file = fileOf(options.dataDir, key);
    if (!file) throw new Error(`not an attachment's key: ${key}`);
    return file;
  };
  return {
    async uploadForm(policy: UploadPolicy): Promise<UploadForm> {
      await authorize('s3:PutObject', policy.key);
      const expiration = new Date(Date.now() + policy.expiresInSeconds * 1000).toISOString();
      const document: LocalPolicy = {
        expiration,
        key: policy.key,
        contentType: policy.contentType,
        maxBytes: policy.maxBytes,
      };
      const encoded = Buffer.from(JSON.stringify(document), 'utf8').toString('base64');
      return {
        url: `${base()}${UPLOAD_PATH}`,
        fields: {
          key: policy.key,
          'Content-Type': policy.contentType,
          policy: encoded,
          signature: hmac(secret, encoded),
        },
        expiresAt: expiration,
      };
    },
    async readUrl(key, contentType, expiresInSeconds) {
      await authorize('s3:GetObject', key);
      const expires = String(Math.floor(Date.now() / 1000) + expiresInSeconds);
      const query = new URLSearchParams({
        type: contentType,
        expires,
        signature: hmac(secret, readText(key, contentType, expires)),
      });
      return `${base()}${FILES_PATH}${key}?${query}`;
    },
    async inspect(key, headBytes) {
      await authorize('s3:GetObject', key);
      const file = pathOf(key);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) return undefined;
      const handle = await open(file, 'r');
      try {
        const head = Buffer.alloc(Math.min(headBytes, info.size));
        await handle.read(head, 0, head.length, 0);
        return { size: info.size, head };
      } finally {
        await handle.close();
      }
    },
    async readBytes(key) {
      await authorize('s3:GetObject', key);
      return readFile(pathOf(key)).catch(() => undefined);
    },
    async keep(key) {
      await authorize('s3:DeleteObjectTagging', key);
    },
    async remove(key) {
      await authorize('s3:DeleteObject', key);
      await rm(pathOf(key), { force: true });
    },
  };
}

const readText = (key: string, contentType: string, expires: string) =>
  `GET\n${key}\n${contentType}\n${expires}`;

// ---- the local server's side -------------------------------------------------------------------------

export type FileAnswer =
  | { ok: true; file: string; contentType: string }
  | { ok: false; status: 403 | 404; message: string };

/** GET /files/<key>?type=&expires=&signature=: the file, only with a valid, unexpired signature. */
export async function signedFile(dataDir: string, url: URL): Promise<FileAnswer> {
  const key = decodeURIComponent(url.pathname.slice(FILES_PATH.length));
  const type = url.searchParams.get('type') ?? '';
  const expires = url.searchParams.get('expires') ?? '';
  const signature = url.searchParams.get('signature') ?? '';
  const file = fileOf(dataDir, key);
  if (
    !file ||
    !/^\d{1,12}$/.test(expires) ||
    !sameSignature(hmac(filesKey(dataDir), readText(key, type, expires)), signature)
  )
    return { ok: false, status: 403, message: '链接签名无效 / the link’s signature is not valid' };
  if (Number(expires) * 1000 < Date.now())
    return { ok: false, status: 403, message: '链接已过期 / the link has expired' };
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return { ok: false, status: 404, message: '没有这个文件 / no such file' };
  return { ok: true, file, contentType: type };
}

export type UploadAnswer =
  | { ok: true; key: string }
  | { ok: false; status: 400 | 403 | 413 | 415; message: string };

const refuse = (status: 400 | 403 | 413 | 415, zh: string, en: string): UploadAnswer => ({
  ok: false,
  status,
  message: `${zh} / ${en}`,
});

/** The policy of an upload's fields, when its signature is this DATA_DIR's and it has not expired. */
function policyOf(secret: Buffer, fields: Record<string, string>): LocalPolicy | UploadAnswer {
  const encoded = fields.policy ?? '';
  if (!sameSignature(hmac(secret, encoded), fields.signature ?? ''))
    return refuse(403, '上传表单签名无效', 'the upload form’s signature is not valid');
  let policy: LocalPolicy;
  try {
    policy = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as LocalPolicy;
  } catch {
    return refuse(403, '上传表单无效', 'the upload form’s policy is not valid');
  }
  if (!(Date.parse(policy.expiration) > Date.now()))
    return refuse(403, '上传表单已过期，请重新申请', 'the upload form has expired; ask for a new one');
  if (fields.key !== policy.key) return refuse(403, '文件键与上传表单不符', 'the key is not the form’s');
  if (fields['Content-Type'] !== policy.contentType)
    return refuse(403, '文件类型与上传表单不符', 'the Content-Type is not the form’s');
  return policy;
}

/**
 * POST /uploads: a multipart form as an S3 presigned POST takes it (the fields, then `file`). The
 * file streams to a temporary file and is moved under its key only when whole and valid: more bytes
 * than the policy allows stop the writing (413), first bytes that are not the declared image are 400,
 * a bad, tampered or expired policy is 403 — and then nothing is kept.
 */
export function receiveUpload(
  dataDir: string,
  req: IncomingMessage,
  drainLimit: number,
): Promise<UploadAnswer> {
  const secret = filesKey(dataDir);
  return new Promise((resolve) => {
    let answer: UploadAnswer | undefined;
    let settled = false;
    const fields: Record<string, string> = {};
    const incoming = join(dataDir, 'attachments', '.incoming');
    let temp: string | undefined;
    let writing: Promise<void> | undefined;
    let policy: LocalPolicy | undefined;
    let files = 0;

    const finish = async (result: UploadAnswer) => {
      if (settled) return;
      settled = true;
      await writing?.catch(() => undefined);
      if (!result.ok && temp) await rm(temp, { force: true });
      if (result.ok && temp && policy) {
        const target = join(dataDir, 'attachments', policy.key);
        await mkdir(dirname(target), { recursive: true, mode: 0o700 });
        await rename(temp, target);
      }
      resolve(result);
    };
    const fail = (result: UploadAnswer) => {
      answer ??= result;
    };

    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 20, fieldSize: 16 * 1024, parts: 30 },
      });
    } catch {
      resolve(refuse(415, '上传须为 multipart/form-data', 'an upload must be multipart/form-data'));
      req.resume();
      return;
    }
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > drainLimit) {
        fail(refuse(413, '文件超过申报的大小', 'the file is larger than announced'));
        req.unpipe(parser);
        req.destroy();
        void finish(answer as UploadAnswer);
      }
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream) => {
      files++;
      if (name !== 'file' || files > 1 || answer) {
        if (name !== 'file') fail(refuse(400, '文件须放在字段 file 中', 'the file goes in the field "file"'));
        stream.resume();
        return;
      }
      const checked = policyOf(secret, fields);
      if ('ok' in checked) {
        fail(checked);
        stream.resume();
        return;
      }
      policy = checked;
      const allowed = checked;
      temp = join(incoming, randomUUID());
      let size = 0;
      let head = Buffer.alloc(0);
      let typeChecked = false;
      writing = mkdir(incoming, { recursive: true, mode: 0o700 }).then(
        () =>
          new Promise<void>((done, broke) => {
            const out = createWriteStream(temp as string, { flags: 'wx', mode: 0o600 });
            out.on('error', broke);
            out.on('close', () => done());
            stream.on('data', (chunk: Buffer) => {
              if (answer) return;
              size += chunk.length;
              if (size > allowed.maxBytes) {
                fail(
                  refuse(
                    413,
                    `文件超过申报的 ${allowed.maxBytes} 字节`,
                    `the file is over the ${allowed.maxBytes} bytes announced`,
                  ),
                );
                out.end();
                stream.resume();
                return;
              }
              if (!typeChecked) {
                head = Buffer.concat([head, chunk]).subarray(0, IMAGE_HEAD_BYTES);
                if (head.length >= IMAGE_HEAD_BYTES) {
                  typeChecked = true;
                  if (imageTypeOf(head) !== allowed.contentType) {
                    fail(
                      refuse(
                        400,
                        `文件内容不是 ${allowed.contentType} 图片`,
                        `the file is not a ${allowed.contentType} image`,
                      ),
                    );
                    out.end();
                    stream.resume();
                    return;
                  }
                }
              }
              if (!out.write(chunk)) {
                stream.pause();
                out.once('drain', () => stream.resume());
              }
            });
            stream.on('end', () => {
              if (!answer && !typeChecked && imageTypeOf(head) !== allowed.contentType)
                fail(
                  refuse(
                    400,
                    `文件内容不是 ${allowed.contentType} 图片`,
                    `the file is not a ${allowed.contentType} image`,
                  ),
                );
              if (!answer && size === 0) fail(refuse(400, '文件为空', 'the file is empty'));
              out.end();
            });
          }),
      );
    });
    parser.on('error', () => {
      fail(refuse(400, '上传内容无法解析', 'the upload could not be read'));
      void finish(answer as UploadAnswer);
    });
    parser.on('close', () => {
      if (!answer && files === 0) fail(refuse(400, '缺少文件（字段 file）', 'no file (the field "file")'));
      void finish(answer ?? { ok: true, key: (policy as LocalPolicy).key });
    });
    req.pipe(parser);
  });
}
