import { deflateSync } from 'node:zlib';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { THEMES } from '#schemas/primitives';
import type { EmbeddedApi } from './embedded-api.ts';

/*
 * Seasons of the association's report, written as the round and the teams write them (the county
 * summary's visit and offers, then each society's report through the report's own transaction),
 * without running a round per season. Call after the embedded runtime is up.
 */

export interface FiledFixture {
  societyId: string;
  needs: { id: string; outcome: 'resolved' | 'partial' | 'unresolved' }[];
  cooperations?: number;
  experts?: { name: string; title?: string; academician?: boolean }[];
  participants?: number;
  /** The visit date; 'none' leaves the society's report unfiled. */
  visitDate?: string;
}

/** A county's visit in a season, `submitted` needs collected there, and its societies' reports. */
export async function fileSeasonVisit(
  season: string,
  countyId: string,
  townId: string,
  submitted: number,
  reports: FiledFixture[],
) {
  const { documents } = await import('#commons/clients');
  const summary = await import('#store/items/summary');
  const { saveReport } = await import('#store/visit-log');
  const needIds = reports.flatMap((r) => r.needs.map((n) => n.id));
  const send = (u: object) => documents().send(new UpdateCommand(u as never));
  const { putVisitIfAbsent } = await import('#store/rounds');
  // The visit as the round plans it (its item and the county summary's part).
  await putVisitIfAbsent({
    id: `${season}.${countyId}`,
    season,
    countyId,
    townId,
    questions: THEMES.map((theme, i) => ({ theme, needIds: i === 1 ? needIds : [] })),
    ranking: [],
    unassignedNeedIds: [],
    plannedAt: `${season.slice(0, 4)}-01-02T01:00:00.000Z`,
  });
  await send(summary.summarySubmittedSet(season, countyId, submitted));
  await send(
    summary.summaryOfferUpdate(
      season,
      countyId,
      reports.map((r) => ({ societyId: r.societyId, needIds: r.needs.map((n) => n.id), status: 'accepted' })),
    ),
  );
  for (const r of reports) {
    if (r.visitDate === 'none') continue;
    await saveReport({
      visit: { id: `${season}.${countyId}`, season, countyId, townId },
      societyId: r.societyId,
      by: `${r.societyId}:lead`,
      needs: [],
      report: {
        visitDate: r.visitDate ?? `${season.slice(0, 4)}-0${Number(season.slice(6)) * 3 - 1}-12`,
        answers: Object.fromEntries(THEMES.map((t) => [t, '座谈'])) as never,
        outcomes: r.needs.map((n) => ({ needId: n.id, outcome: n.outcome })),
        cooperations: Array.from({ length: r.cooperations ?? 0 }, (_, i) => ({
          title: `合作${i}`,
          partner: '合作社',
        })),
        ...(r.experts ? { experts: r.experts } : {}),
        ...(r.participants !== undefined
          ? {
              activities: [
                { kind: 'lecture' as const, title: '农民科学素质讲座', participants: r.participants },
              ],
            }
          : {}),
      },
    });
  }
}

/**
 * A photo of the visit through the API, as a page adds one: announced (the upload form), then
 * uploaded as multipart to the form's URL. Answers its attachment id.
 */
export async function uploadPhoto(
  api: EmbeddedApi,
  visitId: string,
  bytes: Uint8Array,
  contentType: 'image/jpeg' | 'image/png',
  caption: string,
): Promise<string> {
  const created = await api.call('POST', `/visits/${visitId}/attachments`, {
    as: { role: 'coordinator', sub: 'coordinator-wang' },
    body: { contentType, size: bytes.byteLength, caption },
  });
  if (created.status !== 201)
    throw new Error(`announcing a photo: ${created.status} ${JSON.stringify(created.body)}`);
  const { attachment, upload } = created.body;
  const data = new FormData();
  for (const [name, value] of Object.entries(upload.fields as Record<string, string>))
    data.append(name, value);
  data.append('file', new Blob([bytes], { type: contentType }), 'photo');
  const res = await fetch(upload.url, { method: 'POST', body: data });
  if (!res.ok) throw new Error(`uploading a photo: ${res.status} ${await res.text()}`);
  return attachment.id;
}

/** A real PNG of `width` × `height` in one colour (zlib-compressed rows, CRCs): a photo's stand-in bytes. */
export function solidPng(
  width: number,
  height: number,
  rgb: [number, number, number] = [31, 111, 139],
): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
