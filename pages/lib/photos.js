// Photos of a visit, made small on the phone before they wait in the outbox: the long edge at most
// 2048 px, JPEG, stepping the quality down until the file is about 1 MB or less, the EXIF
// orientation applied, and when and where it was taken (EXIF DateTimeOriginal, GPS) kept beside
// the bytes (the re-encoded JPEG carries no EXIF: the server stores `takenAt` and `location`).
import { parse as parseExif } from './vendor/exifr.js';

export const MAX_EDGE = 2048;
export const TARGET_BYTES = 1_000_000;
const QUALITIES = [0.82, 0.74, 0.66, 0.58, 0.5];
const DATE_TIME_ORIGINAL = 0x9003;
const OFFSET_TIME_ORIGINAL = 0x9011;

/** When and where a photo was taken, from its EXIF; {} when it has none (a screenshot, a PNG). */
export async function photoMetadata(file) {
  let tags;
  try {
    // exifr's smallest build has no tag names: DateTimeOriginal, OffsetTimeOriginal; GPS 1–4.
    tags = await parseExif(file, {
      ifd0: false,
      exif: [DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL],
      gps: [1, 2, 3, 4],
      reviveValues: false,
    });
  } catch {
    return {};
  }
  if (!tags) return {};
  const out = {};
  const takenAt = instantOf(tags[DATE_TIME_ORIGINAL], tags[OFFSET_TIME_ORIGINAL]);
  if (takenAt) out.takenAt = takenAt;
  const { latitude, longitude } = tags;
  if (
    Number.isFinite(latitude) &&
    Number.isFinite(longitude) &&
    Math.abs(latitude) <= 90 &&
    Math.abs(longitude) <= 180
  )
    out.location = { lat: round6(latitude), lng: round6(longitude) };
  return out;
}

/**
 * EXIF keeps the camera's wall-clock time (`2020:08:13 09:30:00`), with its offset when the phone
 * wrote one (`+08:00`); without, it is read in the phone's own time zone, where it was taken.
 */
export function instantOf(dateTime, offset) {
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(dateTime ?? '');
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const at = /^[+-]\d{2}:\d{2}$/.test(offset ?? '')
    ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${offset}`)
    : new Date(y, mo - 1, d, h, mi, s);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

const round6 = (x) => Math.round(x * 1e6) / 1e6;

/** The size that fits `width`×`height` in a `maxEdge` square, never larger than it was. */
export function fitWithin(width, height, maxEdge = MAX_EDGE) {
  const scale = Math.min(1, maxEdge / Math.max(width, height));
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

function canvasOf(width, height) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  return Object.assign(document.createElement('canvas'), { width, height });
}

function encode(canvas, quality) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: 'image/jpeg', quality });
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob'))), 'image/jpeg', quality),
  );
}

/**
 * A photo as it will be uploaded: `{ blob (image/jpeg), width, height, takenAt?, location?,
 * original: { width, height, size, type } }`. Throws a bilingual Error for what is not an image.
 */
export async function shrinkPhoto(file, { maxEdge = MAX_EDGE, targetBytes = TARGET_BYTES } = {}) {
  const [meta, bitmap] = await Promise.all([
    photoMetadata(file),
    createImageBitmap(file, { imageOrientation: 'from-image' }).catch(() => {
      throw new Error('这不是可以读取的图片 / This is not an image the browser can read');
    }),
  ]);
  const { width, height } = fitWithin(bitmap.width, bitmap.height, maxEdge);
  const canvas = canvasOf(width, height);
  const context = canvas.getContext('2d');
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  const original = { width: bitmap.width, height: bitmap.height, size: file.size, type: file.type };
  bitmap.close?.();
  let blob;
  for (const quality of QUALITIES) {
    blob = await encode(canvas, quality);
    if (blob.size <= targetBytes) break;
  }
  return { blob, width, height, ...meta, original };
}

/** A size in words: 3.2 MB, 740 KB. */
export function bytesInWords(n) {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1000))} KB`;
}
