// Photos attached to a post, made small in the browser before they go to the service.
//
// The longer side is brought down to 2048 px: the platforms publish at that size or smaller
// (Instagram 1080, Facebook 2048), so a face that is recognisable on the platform is still
// recognisable to the service, while the upload stays well under the service's 2 MB limit.
// Re-encoding drops the photo's metadata (EXIF GPS); see docs/extension.md, "Limits".

export const MAX_SIDE = 2048;
export const MIN_SIDE = 640;
// The service accepts at most 2 MB decoded per photo; keep a margin.
export const MAX_BYTES = 1_900_000;
const QUALITIES = [0.9, 0.8, 0.7];

const IMAGE_NAME_RE = /\.(jpe?g|png|gif|webp|bmp|avif|heic|heif|tiff?)$/i;

/** Dimensions that fit within `max` on the longer side, keeping the aspect ratio. */
export function fitWithin(width, height, max) {
  if (!(width > 0 && height > 0)) throw new RangeError(`invalid size ${width}x${height}`);
  const scale = Math.min(1, max / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
    scale,
  };
}

/** Bytes as base64, in chunks so a 2 MB photo does not overflow the argument list. */
export function bytesToBase64(bytes) {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** Whether a file looks like a photo (by its type, or by its name when the type is empty). */
export function isImageFile(file) {
  const type = typeof file.type === 'string' ? file.type : '';
  return type.startsWith('image/') || IMAGE_NAME_RE.test(file.name ?? '');
}

function jpegName(name) {
  const base = String(name || 'foto').replace(/\.[^./\\]*$/, '');
  return `${base}.jpg`;
}

/**
 * A photo ready for the service: {ok: true, image: {name, data (base64 JPEG)}}, or
 * {ok: false, name, why: 'unreadable'} when the browser cannot decode it (HEIC in Chromium)
 * or it cannot be made small enough.
 * `deps.decode(file)` → {width, height, source, close()}; `deps.encode(source, w, h, q)` →
 * Uint8Array of JPEG bytes.
 */
export async function prepareImage(file, deps = browserImageDeps()) {
  let decoded;
  try {
    decoded = await deps.decode(file);
  } catch {
    return { ok: false, name: file.name, why: 'unreadable' };
  }
  try {
    let { width, height } = fitWithin(decoded.width, decoded.height, MAX_SIDE);
    for (;;) {
      for (const quality of QUALITIES) {
        const bytes = await deps.encode(decoded.source, width, height, quality);
        if (bytes.length <= MAX_BYTES) {
          return { ok: true, image: { name: jpegName(file.name), data: bytesToBase64(bytes) } };
        }
      }
      if (Math.max(width, height) <= MIN_SIDE) break;
      const smaller = Math.max(MIN_SIDE, Math.round(Math.max(width, height) * 0.75));
      ({ width, height } = fitWithin(width, height, smaller));
    }
    return { ok: false, name: file.name, why: 'unreadable' };
  } catch {
    return { ok: false, name: file.name, why: 'unreadable' };
  } finally {
    decoded.close?.();
  }
}

/** Decoding and encoding with the browser's own image code (content script side). */
export function browserImageDeps() {
  return {
    async decode(file) {
      // 'from-image' applies the EXIF orientation, so faces are upright for the detector.
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      return { width: bitmap.width, height: bitmap.height, source: bitmap, close: () => bitmap.close() };
    },
    async encode(source, width, height, quality) {
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d');
      // JPEG has no transparency; transparent pixels would otherwise turn black.
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, width, height);
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(source, 0, 0, width, height);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
      return new Uint8Array(await blob.arrayBuffer());
    },
  };
}
