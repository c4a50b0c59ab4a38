// Writes what a phone's camera puts in a JPEG: an EXIF APP1 segment with the orientation, when the
// photo was taken (DateTimeOriginal, OffsetTimeOriginal) and where (GPS), placed right after SOI.
// Little-endian TIFF, as most phones write it; enough for the pages' photo tests, not a general writer.

export interface CameraExif {
  /** EXIF local time, `YYYY:MM:DD HH:MM:SS`. */
  dateTimeOriginal: string;
  /** `+08:00` */
  offsetTimeOriginal?: string;
  lat: number;
  lng: number;
  /** 1 (as stored) … 8; 6 is a phone held upright (rotate 90° clockwise to show). */
  orientation?: number;
}

type Entry = { tag: number; type: 2 | 3 | 4 | 5; count: number; value: Buffer };
const SIZE = { 2: 1, 3: 2, 4: 4, 5: 8 } as const;

const ascii = (s: string) => Buffer.from(`${s}\0`, 'latin1');
const short = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const long = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
/** Degrees as three rationals: degrees, minutes, seconds (×1000). */
function dms(value: number): Buffer {
  const millis = Math.round(Math.abs(value) * 3600 * 1000);
  const d = Math.floor(millis / 3_600_000);
  const m = Math.floor((millis % 3_600_000) / 60_000);
  const s = millis % 60_000;
  const b = Buffer.alloc(24);
  [d, 1, m, 1, s, 1000].forEach((n, i) => {
    b.writeUInt32LE(n, i * 4);
  });
  return b;
}

/** One IFD at `offset` (from the TIFF header), its out-of-line values after it; `next` the following IFD. */
function ifd(entries: Entry[], offset: number): Buffer {
  const head = Buffer.alloc(2 + entries.length * 12 + 4);
  head.writeUInt16LE(entries.length, 0);
  const extra: Buffer[] = [];
  let extraAt = offset + head.length;
  entries.forEach((e, i) => {
    const at = 2 + i * 12;
    head.writeUInt16LE(e.tag, at);
    head.writeUInt16LE(e.type, at + 2);
    head.writeUInt32LE(e.count, at + 4);
    if (e.value.length <= 4) e.value.copy(head, at + 8);
    else {
      head.writeUInt32LE(extraAt, at + 8);
      const padded = e.value.length % 2 ? Buffer.concat([e.value, Buffer.alloc(1)]) : e.value;
      extra.push(padded);
      extraAt += padded.length;
    }
  });
  return Buffer.concat([head, ...extra]);
}

const entry = (tag: number, type: Entry['type'], value: Buffer): Entry => ({
  tag,
  type,
  count: value.length / SIZE[type],
  value,
});

/** The APP1 segment (marker included) for `exif`. */
export function exifApp1(exif: CameraExif): Buffer {
  const tiffHeader = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  const ifd0Size = 2 + 3 * 12 + 4;
  const exifAt = 8 + ifd0Size;
  const exifEntries = [
    entry(0x9003, 2, ascii(exif.dateTimeOriginal)),
    ...(exif.offsetTimeOriginal ? [entry(0x9011, 2, ascii(exif.offsetTimeOriginal))] : []),
  ];
  const exifIfd = ifd(exifEntries, exifAt);
  const gpsAt = exifAt + exifIfd.length;
  const gpsIfd = ifd(
    [
      entry(0x0001, 2, ascii(exif.lat >= 0 ? 'N' : 'S')),
      entry(0x0002, 5, dms(exif.lat)),
      entry(0x0003, 2, ascii(exif.lng >= 0 ? 'E' : 'W')),
      entry(0x0004, 5, dms(exif.lng)),
    ],
    gpsAt,
  );
  const ifd0 = ifd(
    [
      entry(0x0112, 3, short(exif.orientation ?? 1)),
      entry(0x8769, 4, long(exifAt)),
      entry(0x8825, 4, long(gpsAt)),
    ],
    8,
  );
  const tiff = Buffer.concat([tiffHeader, ifd0, exifIfd, gpsIfd]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(payload.length + 2);
  return Buffer.concat([Buffer.from([0xff, 0xe1]), length, payload]);
}

/** `jpeg` with `exif` written in, right after its start-of-image marker. */
export function withExif(jpeg: Uint8Array, exif: CameraExif): Buffer {
  const bytes = Buffer.from(jpeg);
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG (no SOI marker)');
  return Buffer.concat([bytes.subarray(0, 2), exifApp1(exif), bytes.subarray(2)]);
}
