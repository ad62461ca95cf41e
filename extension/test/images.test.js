import assert from 'node:assert/strict';
import { test } from 'node:test';

import { bytesToBase64, fitWithin, isImageFile, MAX_BYTES, MAX_SIDE, prepareImage } from '../src/images.js';

const FITS = [
  // width, height, max, expected
  [4032, 3024, 2048, { width: 2048, height: 1536 }],
  [3024, 4032, 2048, { width: 1536, height: 2048 }],
  [1080, 1350, 2048, { width: 1080, height: 1350 }],
  [2048, 2048, 2048, { width: 2048, height: 2048 }],
  [10000, 10, 2048, { width: 2048, height: 2 }],
  [100000, 1, 2048, { width: 2048, height: 1 }],
];

for (const [w, h, max, expected] of FITS) {
  test(`fitWithin ${w}x${h} in ${max}`, () => {
    const r = fitWithin(w, h, max);
    assert.deepEqual({ width: r.width, height: r.height }, expected);
  });
}

test('fitWithin refuses an empty image', () => {
  assert.throws(() => fitWithin(0, 10, 100), RangeError);
});

test('base64 matches Node’s encoder, also past one chunk', () => {
  const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
  assert.equal(bytesToBase64(bytes), Buffer.from(bytes).toString('base64'));
  assert.equal(bytesToBase64(new Uint8Array()), '');
});

const FILES = [
  [{ name: 'klas.jpg', type: 'image/jpeg' }, true],
  [{ name: 'IMG_1.HEIC', type: '' }, true],
  [{ name: 'x', type: 'image/png' }, true],
  [{ name: 'film.mp4', type: 'video/mp4' }, false],
  [{ name: 'brief.pdf', type: 'application/pdf' }, false],
];

for (const [file, expected] of FILES) {
  test(`isImageFile ${file.name} -> ${expected}`, () => assert.equal(isImageFile(file), expected));
}

/** Fake decoder/encoder: "encoding" gives w*h*q*bytesPerPixel bytes, and records the calls. */
function fakeDeps({ width, height, bytesPerPixel, failDecode = false }) {
  const calls = [];
  let closed = false;
  return {
    calls,
    closed: () => closed,
    deps: {
      async decode() {
        if (failDecode) throw new Error('cannot decode');
        return { width, height, source: 'bitmap', close: () => (closed = true) };
      },
      async encode(source, w, h, q) {
        calls.push([w, h, q]);
        return new Uint8Array(Math.round(w * h * q * bytesPerPixel)).fill(7);
      },
    },
  };
}

test('a phone photo is brought to 2048 px and encoded once when small enough', async () => {
  const f = fakeDeps({ width: 4032, height: 3024, bytesPerPixel: 0.2 });
  const r = await prepareImage({ name: 'IMG_2041.HEIC.png' }, f.deps);
  assert.equal(r.ok, true);
  assert.equal(r.image.name, 'IMG_2041.HEIC.jpg');
  assert.deepEqual(f.calls, [[2048, 1536, 0.9]]);
  assert.ok(Buffer.from(r.image.data, 'base64').length <= MAX_BYTES);
  assert.equal(f.closed(), true, 'the bitmap is released');
});

test('a busy photo steps the quality down, then the size', async () => {
  const f = fakeDeps({ width: 4000, height: 4000, bytesPerPixel: 0.75 });
  const r = await prepareImage({ name: 'druk.jpg' }, f.deps);
  assert.equal(r.ok, true);
  assert.deepEqual(f.calls.slice(0, 3), [[2048, 2048, 0.9], [2048, 2048, 0.8], [2048, 2048, 0.7]]);
  const [w, h] = f.calls.at(-1);
  assert.ok(w < MAX_SIDE && h < MAX_SIDE, 'smaller than the first try');
  assert.ok(Buffer.from(r.image.data, 'base64').length <= MAX_BYTES);
});

test('a photo the browser cannot decode is reported, not sent', async () => {
  const f = fakeDeps({ width: 1, height: 1, bytesPerPixel: 1, failDecode: true });
  assert.deepEqual(await prepareImage({ name: 'a.heic' }, f.deps), { ok: false, name: 'a.heic', why: 'unreadable' });
});

test('a photo that cannot get under the limit is reported, not sent', async () => {
  const f = fakeDeps({ width: 3000, height: 3000, bytesPerPixel: 100 });
  const r = await prepareImage({ name: 'ruis.png' }, f.deps);
  assert.deepEqual(r, { ok: false, name: 'ruis.png', why: 'unreadable' });
  assert.equal(f.closed(), true);
});
