import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumForFile } from '#support/browser';
import { httpServer } from '#support/embedded-api';
import { withExif } from '#support/exif-app1';

// lib/photos.js makes a phone's photo small before it waits in the outbox. Fed a 12-megapixel
// JPEG with camera-like detail and the EXIF a phone writes, in Chromium as on a phone.

// What the page code below finds in Chromium (this project compiles without the DOM's types).
// biome-ignore lint/suspicious/noExplicitAny: a canvas and its context, drawn in the page
type InPage = any;
declare const OffscreenCanvas: new (width: number, height: number) => InPage;
declare const createImageBitmap: (blob: unknown) => Promise<{ width: number; height: number }>;

const http = httpServer('photo-shrink-');
const chromium = chromiumForFile();
let page: Page;
interface Under {
  shrinkPhoto(file: File): Promise<{
    blob: Blob;
    width: number;
    height: number;
    takenAt?: string;
    location?: { lat: number; lng: number };
    original: { width: number; height: number; size: number; type: string };
  }>;
  parse(blob: Blob): Promise<Record<string, unknown> | undefined>;
}
let plain: Buffer;
let camera: Buffer;

const EXIF = {
  dateTimeOriginal: '2020:08:13 09:30:00',
  offsetTimeOriginal: '+08:00',
  lat: 29.6,
  lng: 118.55,
};

/** A 4000×3000 JPEG drawn in the page: sky and field gradients, leaves, rows, and sensor noise. */
function drawCameraPhoto(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const w = 4000;
    const h = 3000;
    const canvas = new OffscreenCanvas(w, h);
    const g = canvas.getContext('2d');
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const sky = g.createLinearGradient(0, 0, 0, h * 0.4);
    sky.addColorStop(0, '#7fb2e5');
    sky.addColorStop(1, '#dfe9f2');
    g.fillStyle = sky;
    g.fillRect(0, 0, w, h * 0.4);
    const field = g.createLinearGradient(0, h * 0.4, 0, h);
    field.addColorStop(0, '#5f8f3a');
    field.addColorStop(1, '#2f5a1c');
    g.fillStyle = field;
    g.fillRect(0, h * 0.4, w, h * 0.6);
    for (let i = 0; i < 15000; i++) {
      const y = h * 0.4 + rand() * h * 0.6;
      g.fillStyle = `hsl(${80 + rand() * 50}, ${40 + rand() * 40}%, ${15 + rand() * 40}%)`;
      g.beginPath();
      g.ellipse(rand() * w, y, 2 + rand() * 14 * (y / h), 1 + rand() * 5, rand() * Math.PI, 0, Math.PI * 2);
      g.fill();
    }
    for (let i = 0; i < 600; i++) {
      g.strokeStyle = `rgba(255,255,255,${rand() * 0.3})`;
      g.beginPath();
      g.moveTo(rand() * w, rand() * h * 0.4);
      g.bezierCurveTo(
        rand() * w,
        rand() * h * 0.4,
        rand() * w,
        rand() * h * 0.4,
        rand() * w,
        rand() * h * 0.4,
      );
      g.stroke();
    }
    // Sensor noise: tiles of grain laid over the scene at odd offsets (a pixel loop over 12 MP is slow).
    const tile = new OffscreenCanvas(509, 487);
    const t = tile.getContext('2d');
    const grain = t.createImageData(509, 487);
    for (let i = 0; i < grain.data.length; i += 4) {
      const v = rand() * 255;
      grain.data.set([v, v, v, 40], i);
    }
    t.putImageData(grain, 0, 0);
    for (let y = -rand() * 487; y < h; y += 487)
      for (let x = -rand() * 509; x < w; x += 509) g.drawImage(tile, Math.round(x), Math.round(y));
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    // Base64 across to the test: a 5 MB array of numbers is slow to carry.
    return (new Uint8Array(await blob.arrayBuffer()) as Uint8Array & { toBase64(): string }).toBase64();
  });
}

/** lib/photos.js's shrinkPhoto on `bytes`, in the page: what it made, and the result's own EXIF. */
function shrinkInPage(page: Page, bytes: Buffer) {
  return page.evaluate(async (data) => {
    const { shrinkPhoto, parse } = (globalThis as unknown as { under: Under }).under;
    const bytes = (Uint8Array as unknown as { fromBase64(s: string): Uint8Array<ArrayBuffer> }).fromBase64(
      data,
    );
    const file = new File([bytes], 'IMG_0001.jpg', { type: 'image/jpeg' });
    const photo = await shrinkPhoto(file);
    const decoded = await createImageBitmap(photo.blob);
    const head = [...new Uint8Array(await photo.blob.slice(0, 3).arrayBuffer())];
    return {
      type: photo.blob.type,
      size: photo.blob.size,
      width: photo.width,
      height: photo.height,
      decoded: { width: decoded.width, height: decoded.height },
      head,
      takenAt: photo.takenAt,
      location: photo.location,
      original: photo.original,
      exifLeft: (await parse(photo.blob).catch(() => null)) ?? null,
    };
  }, bytes.toString('base64'));
}

beforeAll(async () => {
  page = await (await chromium.browser.newContext()).newPage();
  await page.goto(`${http.server.url}/index.html`);
  plain = Buffer.from(await drawCameraPhoto(page), 'base64');
  camera = withExif(plain, EXIF);
  // The modules under test, imported by the page itself (as the team page does).
  await page.evaluate(
    "Promise.all([import('/lib/photos.js'), import('/lib/vendor/exifr.js')]).then(([p, e]) => { globalThis.under = { shrinkPhoto: p.shrinkPhoto, parse: e.parse }; })",
  );
  await page.waitForFunction(() => 'under' in globalThis);
}, 300_000);

afterAll(async () => {
  await page?.context().close();
});

describe('shrinking a photo before upload', () => {
  it('makes a 12-megapixel camera JPEG a 2048 px JPEG of at most 1 MB, keeping when and where it was taken', async () => {
    const result = await shrinkInPage(page, camera);
    console.info(
      `12-MP photo: ${result.original.width}×${result.original.height}, ${camera.length} bytes → ${result.width}×${result.height}, ${result.size} bytes`,
    );

    expect(result.original).toMatchObject({ width: 4000, height: 3000, size: camera.length });
    expect(camera.length).toBeGreaterThan(1_000_000);
    expect(Math.max(result.width, result.height)).toBe(2048);
    expect(result.decoded).toEqual({ width: 2048, height: 1536 });
    expect(result.type).toBe('image/jpeg');
    expect(result.head).toEqual([0xff, 0xd8, 0xff]);
    expect(result.size).toBeLessThanOrEqual(1_000_000);
    expect(result.takenAt).toBe('2020-08-13T01:30:00.000Z');
    expect(result.location).toEqual({ lat: 29.6, lng: 118.55 });
    // The bytes uploaded carry no EXIF of their own (the place stays with the attachment's fields).
    expect(result.exifLeft?.latitude).toBeUndefined();
  }, 300_000);

  it('turns a photo taken with the phone upright (EXIF orientation 6) the way it was seen', async () => {
    const upright = withExif(plain, { ...EXIF, orientation: 6 });
    const result = await shrinkInPage(page, upright);

    expect(result.decoded).toEqual({ width: 1536, height: 2048 });
    expect({ width: result.width, height: result.height }).toEqual({ width: 1536, height: 2048 });
  }, 300_000);

  it('refuses what is not an image, in both languages', async () => {
    const message = await page.evaluate(async () => {
      const { shrinkPhoto } = (globalThis as unknown as { under: Under }).under;
      const file = new File(['not a photo'], 'notes.txt', { type: 'text/plain' });
      return shrinkPhoto(file).then(
        () => 'shrunk',
        (error: Error) => error.message,
      );
    });
    expect(message).toBe('这不是可以读取的图片 / This is not an image the browser can read');
  });
});
