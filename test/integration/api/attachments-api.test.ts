/**
 * A visit's photos through the local HTTP adapter on DynamoDB Local: announcing one (the upload
 * form), the upload itself as a real multipart POST to the local server, the signed link that reads
 * the bytes back, and every refusal — wrong type or size, more bytes than announced, a tampered or
 * expired form or link, someone not on the visit — with nothing kept.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { localFiles } from '#local/files';
import { THEMES } from '#schemas/primitives';
import { embeddedApi } from '#support/embedded-api';

const SEASON = '2030-Q2';
const COUNTY = 'chunan';
const VISIT = `${SEASON}.${COUNTY}`;
const demo = loadDataDir(DEMO_DATA_DIR);
const [A, B, C] = demo.societies.map((s) => s.id) as [string, string, string];
const OTHER_COUNTY = demo.counties.find((c) => c.id !== COUNTY)!.id;

const api = embeddedApi(demo, 'attachments-api-');
let needIds: string[];

beforeAll(async () => {
  needIds = (await api.store.openNeedsOfCounty(COUNTY))
    .map((n) => n.id)
    .sort()
    .slice(0, 2);
  const townId = demo.counties.find((c) => c.id === COUNTY)!.towns[0]!.id;
  const at = new Date().toISOString();
  await api.store.putVisitIfAbsent({
    id: VISIT,
    season: SEASON,
    countyId: COUNTY,
    townId,
    questions: THEMES.map((theme, i) => ({ theme, needIds: i === 0 ? needIds : [] })),
    ranking: [],
    unassignedNeedIds: [],
    plannedAt: at,
  });
  // A accepted its offer, B declined its own.
  for (const [societyId, decision, status] of [
    [A, 'accept', 'accepted'],
    [B, 'decline', 'declined'],
  ] as const) {
    const offer = { season: SEASON, countyId: COUNTY, townId, societyId, needIds, createdAt: at };
    expect(await api.store.createOffer(offer, 10)).toBe('created');
    // Sent as SendOfferAndWaitForAnswer sends it (a token and offeredAt); only a sent offer is answered.
    await api.store.attachTaskToken(offer, `sent-${societyId}`, at, at);
    expect(await api.store.recordDecision(offer, decision, `${societyId}:lead`, at)).toBe(true);
    expect(await api.store.settleOffer(offer, status, at)).toBe(true);
  }
});

const team = (society: string, sub = `lead-of-${society}`) => ({ role: 'team', society, sub }) as const;
const liaison = (county = COUNTY, sub = `liaison-of-${county}`) =>
  ({ role: 'liaison', county, sub }) as const;

/** The first bytes of a JPEG (SOI, APP0 "JFIF") and then `size` bytes in all. */
function jpeg(size: number): Buffer {
  const bytes = Buffer.alloc(size, 0x5a);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]).copy(bytes);
  bytes[size - 2] = 0xff;
  bytes[size - 1] = 0xd9;
  return bytes;
}
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

async function announce(as: object, body: Record<string, unknown>, key?: string) {
  return api.call('POST', `/visits/${VISIT}/attachments`, {
    as: as as never,
    body,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });
}

/** POSTs the form's fields, then the file, as multipart/form-data (what a page and S3 do). */
async function upload(
  form: { url: string; fields: Record<string, string> },
  bytes: Buffer,
  type = 'image/jpeg',
) {
  const data = new FormData();
  for (const [name, value] of Object.entries(form.fields)) data.append(name, value);
  data.append('file', new Blob([bytes], { type }), 'photo.jpg');
  const res = await fetch(form.url, { method: 'POST', body: data });
  const text = await res.text();
  return { status: res.status, text };
}

const listed = async () =>
  ((await api.call('GET', `/visits/${VISIT}`, { as: liaison() })).body.attachments ?? []) as {
    id: string;
    url: string;
    caption?: string;
    size: number;
    uploadedBy: { role: string; name: { zh: string } };
  }[];
const fileOnDisk = (id: string) => join(api.dataDir, 'attachments', 'visits', VISIT, id);
const incomingLeft = () => {
  const dir = join(api.dataDir, 'attachments', '.incoming');
  return existsSync(dir) ? readdirSync(dir) : [];
};

describe('a photo of a visit', () => {
  it('is announced (201) with an upload form, uploaded as multipart, listed, and read back byte for byte', async () => {
    const bytes = jpeg(50_000);
    const created = await announce(team(A), {
      contentType: 'image/jpeg',
      size: bytes.length,
      caption: '专家在田间查看水稻长势',
      takenAt: '2030-04-13T09:30:00.000Z',
      location: { lat: 29.6, lng: 118.9 },
    });
    expect(created.status).toBe(201);
    const { attachment, upload: form } = created.body;
    expect(attachment.status).toBe('pending');
    expect(form.url).toBe(`${api.server.url}/uploads`);
    expect(Object.keys(form.fields).sort()).toEqual(['Content-Type', 'key', 'policy', 'signature']);
    // Not listed before its bytes come.
    expect((await listed()).map((a) => a.id)).not.toContain(attachment.id);

    expect((await upload(form, bytes)).status).toBe(204);

    const photos = await listed();
    const photo = photos.find((a) => a.id === attachment.id)!;
    expect(photo).toMatchObject({ caption: '专家在田间查看水稻长势', size: bytes.length });
    expect(photo.uploadedBy.role).toBe('team');
    expect(photo.uploadedBy.name.zh).toBe(demo.societies.find((s) => s.id === A)!.name.zh);
    const res = await fetch(photo.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe('inline');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    // The port a document reads a photo through (the season's Word report) gives the same bytes.
    const { photoBytes } = await import('#services/attachments');
    const read = await photoBytes(VISIT, attachment.id);
    expect(read?.attachment.caption).toBe('专家在田间查看水稻长势');
    expect(Buffer.from(read?.bytes ?? []).equals(bytes)).toBe(true);
  });

  it('opens no link whose signature was tampered with, nor one that expired', async () => {
    const photo = (await listed())[0]!;
    const url = new URL(photo.url);
    const signature = url.searchParams.get('signature')!;
    url.searchParams.set('signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    expect((await fetch(url)).status).toBe(403);
    // A longer life written into the link by hand breaks its signature.
    const longer = new URL(photo.url);
    longer.searchParams.set('expires', String(Number(longer.searchParams.get('expires')) + 3600));
    expect((await fetch(longer)).status).toBe(403);
    // Signed with this DATA_DIR's key, but expired.
    const key = `visits/${VISIT}/${photo.id}`;
    const expired = await localFiles({ dataDir: api.dataDir, baseUrl: () => api.server.url }).readUrl(
      key,
      'image/jpeg',
      -60,
    );
    const refused = await fetch(expired);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/过期.*expired/);
  });

  it('refuses an upload whose form was tampered with or expired (403), keeping nothing', async () => {
    const bytes = jpeg(2000);
    const created = await announce(team(A), { contentType: 'image/jpeg', size: bytes.length });
    const form = created.body.upload;
    const policy = JSON.parse(Buffer.from(form.fields.policy, 'base64').toString('utf8'));
    const bigger = Buffer.from(JSON.stringify({ ...policy, maxBytes: 10 ** 9 })).toString('base64');
    expect((await upload({ ...form, fields: { ...form.fields, policy: bigger } }, bytes)).status).toBe(403);
    const otherKey = { ...form.fields, key: `visits/${VISIT}/att-aaaaaaaaaaaaaaaaaaaa` };
    expect((await upload({ ...form, fields: otherKey }, bytes)).status).toBe(403);

    const expired = await localFiles({ dataDir: api.dataDir, baseUrl: () => api.server.url }).uploadForm({
      key: form.fields.key,
      contentType: 'image/jpeg',
      maxBytes: bytes.length,
      expiresInSeconds: -60,
    });
    const late = await upload(expired, bytes);
    expect(late.status).toBe(403);
    expect(late.text).toMatch(/过期.*expired/);

    expect(existsSync(fileOnDisk(created.body.attachment.id))).toBe(false);
    expect(incomingLeft()).toEqual([]);
    expect((await listed()).map((a) => a.id)).not.toContain(created.body.attachment.id);
  });

  it('refuses at creation a type that is not a photo (image/gif) and more than 10 MiB, naming the field', async () => {
    const gif = await announce(team(A), { contentType: 'image/gif', size: 1000 });
    expect(gif.status).toBe(400);
    expect(gif.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['contentType']);
    expect(gif.body.error.message).toMatch(/[\u4e00-\u9fff]/);

    const huge = await announce(team(A), { contentType: 'image/jpeg', size: 10 * 1024 * 1024 + 1 });
    expect(huge.status).toBe(400);
    expect(huge.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['size']);
  });

  it('refuses at upload PNG bytes declared JPEG (400), keeping nothing', async () => {
    const png = Buffer.concat([PNG_HEAD, Buffer.alloc(3000, 1)]);
    const created = await announce(team(A), { contentType: 'image/jpeg', size: png.length });
    const res = await upload(created.body.upload, png);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/image\/jpeg/);
    expect(existsSync(fileOnDisk(created.body.attachment.id))).toBe(false);
    expect(incomingLeft()).toEqual([]);
    expect((await listed()).map((a) => a.id)).not.toContain(created.body.attachment.id);
  });

  it('refuses at upload more bytes than announced (413), keeping nothing and listing nothing', async () => {
    const created = await announce(team(A), { contentType: 'image/jpeg', size: 100_000 });
    const res = await upload(created.body.upload, jpeg(100_001));
    expect(res.status).toBe(413);
    expect(existsSync(fileOnDisk(created.body.attachment.id))).toBe(false);
    expect(incomingLeft()).toEqual([]);
    expect((await listed()).map((a) => a.id)).not.toContain(created.body.attachment.id);
  });

  it('is refused (403) to someone not on the visit: another county’s liaison, a society with no offer, one that declined', async () => {
    const body = { contentType: 'image/jpeg', size: 1000 };
    for (const who of [liaison(OTHER_COUNTY), team(C), team(B)]) {
      const res = await announce(who, body);
      expect(res.status, JSON.stringify(who)).toBe(403);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fff].*\/ [a-z]/i);
    }
    // The county's liaison may.
    expect((await announce(liaison(), body)).status).toBe(201);
  });

  it('answers a retry with the same Idempotency-Key with the same photo and a fresh form; another body is 409', async () => {
    const body = { contentType: 'image/webp', size: 4096, caption: '村民座谈' };
    const first = await announce(team(A), body, 'photo-key-0001');
    const again = await announce(
      team(A),
      { caption: '村民座谈', size: 4096, contentType: 'image/webp' },
      'photo-key-0001',
    );
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.attachment.id).toBe(first.body.attachment.id);
    expect(again.body.upload.fields.key).toBe(first.body.upload.fields.key);
    const other = await announce(team(A), { ...body, size: 4097 }, 'photo-key-0001');
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/幂等键.*Idempotency-Key/);
  });

  it('is captioned and removed only by its uploader (another person is 403)', async () => {
    const bytes = jpeg(3000);
    const created = await announce(team(A), { contentType: 'image/jpeg', size: bytes.length });
    const id = created.body.attachment.id as string;
    expect((await upload(created.body.upload, bytes)).status).toBe(204);
    const path = `/visits/${VISIT}/attachments/${id}`;

    for (const who of [team(A, 'another-member'), liaison()]) {
      expect((await api.call('PATCH', path, { as: who, body: { caption: '改' } })).status).toBe(403);
      expect((await api.call('DELETE', path, { as: who })).status).toBe(403);
    }
    const captioned = await api.call('PATCH', path, { as: team(A), body: { caption: '专家与农户交流' } });
    expect(captioned.status).toBe(200);
    expect((await listed()).find((a) => a.id === id)?.caption).toBe('专家与农户交流');

    expect((await api.call('DELETE', path, { as: team(A) })).status).toBe(200);
    expect((await listed()).map((a) => a.id)).not.toContain(id);
    expect(existsSync(fileOnDisk(id))).toBe(false);
  });

  it('may be named by a visit report; a photo not of this visit (or not uploaded) is 400 naming the field', async () => {
    const photo = (await listed())[0]!;
    const pending = (await announce(team(A), { contentType: 'image/jpeg', size: 1000 })).body.attachment.id;
    const report = (attachmentIds: string[]) => ({
      visitDate: '2030-04-13',
      answers: Object.fromEntries(THEMES.map((theme) => [theme, `关于${theme}的答复`])),
      outcomes: [],
      cooperations: [],
      attachmentIds,
    });
    const foreign = await api.call('POST', `/visits/${VISIT}/report`, {
      as: team(A),
      body: report([photo.id, 'att-zzzzzzzzzzzzzzzzzzzz', pending]),
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.fields.map((f: { path: string }) => f.path)).toEqual([
      'attachmentIds[1]',
      'attachmentIds[2]',
    ]);
    expect((await api.store.reportVersions(VISIT)).length).toBe(0);

    const filed = await api.call('POST', `/visits/${VISIT}/report`, {
      as: team(A),
      body: report([photo.id]),
    });
    expect(filed.status).toBe(201);
    const [version] = await api.store.reportVersions(VISIT);
    expect(version?.attachmentIds).toEqual([photo.id]);
  });

  it('is checked by the S3 upload trigger the same way: bytes of the declared type kept, others deleted', async () => {
    const { handler } = await import('#functions/triggers/confirm-attachment-upload');
    const { runAsFunction } = await import('#local/aws-rules/identity');
    const put = async (bytes: Buffer) => {
      const created = await announce(team(A), { contentType: 'image/jpeg', size: 5000 });
      const id = created.body.attachment.id as string;
      mkdirSync(dirname(fileOnDisk(id)), { recursive: true });
      writeFileSync(fileOnDisk(id), bytes);
      // As S3 notifies it, under the function's own role (its IAM is checked against the template).
      const event = {
        Records: [{ s3: { object: { key: created.body.upload.fields.key, size: bytes.length } } }],
      };
      await runAsFunction('ConfirmAttachmentUpload', () => handler(event as never));
      return id;
    };
    const kept = await put(jpeg(5000));
    const refused = await put(Buffer.concat([PNG_HEAD, Buffer.alloc(2000, 1)]));
    const ids = (await listed()).map((a) => a.id);
    expect(ids).toContain(kept);
    expect(ids).not.toContain(refused);
    expect(existsSync(fileOnDisk(kept))).toBe(true);
    expect(existsSync(fileOnDisk(refused))).toBe(false);
  });

  it('holds the local files adapter to each function’s IAM on the bucket: GetVisit may not sign an upload', async () => {
    const { files } = await import('#files/files');
    const { runAsFunction } = await import('#local/aws-rules/identity');
    const policy = {
      key: `visits/${VISIT}/att-bbbbbbbbbbbbbbbbbbbb`,
      contentType: 'image/jpeg',
      maxBytes: 10,
      expiresInSeconds: 60,
    };
    await expect(runAsFunction('GetVisit', () => files().uploadForm(policy))).rejects.toThrow(/s3:PutObject/);
    await expect(runAsFunction('ManageAttachments', () => files().uploadForm(policy))).resolves.toMatchObject(
      {
        fields: { key: policy.key },
      },
    );
  });

  it('answers a body that is no upload form with a clear refusal, and keeps serving', async () => {
    const json = await fetch(`${api.server.url}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"file":"x"}',
    });
    expect(json.status).toBe(415);
    const garbled = await fetch(`${api.server.url}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zz' },
      body: '--zz\r\nContent-Disposition: form-data; name="key"\r\n\r\nvisits/x',
    });
    expect([400, 403]).toContain(garbled.status);
    const message = ((await garbled.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/[\u4e00-\u9fff].*\/ [a-z]/i);
    expect(incomingLeft()).toEqual([]);
    expect((await api.call('GET', `/visits/${VISIT}`, { as: liaison() })).status).toBe(200);
  });

  it('points the upload form at the origin the page was opened from (localhost, not only 127.0.0.1)', async () => {
    const { request: httpRequest } = await import('node:http');
    const token = await api.token(team(A));
    const url = new URL(`${api.server.url}/visits/${VISIT}/attachments`);
    const body = JSON.stringify({ contentType: 'image/jpeg', size: 1000 });
    const reply = await new Promise<{ status: number; json: { upload: { url: string } } }>((done, fail) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            host: `localhost:${url.port}`,
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => done({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
        },
      );
      req.on('error', fail);
      req.end(body);
    });
    expect(reply.status).toBe(201);
    expect(reply.json.upload.url).toBe(`http://localhost:${url.port}/uploads`);
  });
});
