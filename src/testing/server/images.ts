// Real PNG images for the local server, encoded with pngjs: a final image and its lower-quality previews,
// the same bytes for the same seed.
import { PNG } from 'pngjs';
import { seededRandom } from './random';

/** The size and grain of the images the local server draws. */
export interface MockImageSize {
  /** Width in pixels (default 256). */
  readonly width: number;
  /** Height in pixels (default 256). */
  readonly height: number;
  /**
   * Per-pixel noise, 0 (smooth, compresses to a few KB) to 255 (incompressible). Real photos sit in between;
   * `'realistic'` uses 1024x1024 with enough noise for about 1.5 MB of base64 per final image.
   */
  readonly noise: number;
}

/** The default: small images, so tests stay fast. */
export const SMALL_IMAGE: MockImageSize = { width: 256, height: 256, noise: 0 };

/** About the size of a real 1024x1024 generated image: ~1.1 MB of PNG, ~1.5 MB of base64. */
export const REALISTIC_IMAGE: MockImageSize = { width: 1024, height: 1024, noise: 4 };

/** The largest side the server draws: bounds the memory one request can take. */
export const MAX_IMAGE_SIDE = 4096;

/**
 * Draws image `imageIndex` of a response for `seed`: a gradient with a disc and a grid, plus noise; the
 * same arguments always give the same bytes. The local server draws its images with it.
 *
 * @example
 * ```ts
 * import { REALISTIC_IMAGE, renderMockImage, SMALL_IMAGE } from 'rxjs-openai/testing';
 *
 * const final = renderMockImage(1, 0, SMALL_IMAGE); // a 256x256 PNG, base64
 * const preview = renderMockImage(1, 0, SMALL_IMAGE, 16); // the same image in 16x16 blocks
 * const big = renderMockImage(1, 0, REALISTIC_IMAGE); // 1024x1024, about 1.5 MB of base64
 * ```
 *
 * @param seed Any integer.
 * @param imageIndex The image's index in the response.
 * @param size Width, height and noise.
 * @param pixelBlock 1 for the final image; a larger block size pixelates it into a preview.
 * @return The PNG, base64-encoded.
 */
export function renderMockImage(
  seed: number,
  imageIndex: number,
  size: MockImageSize,
  pixelBlock = 1,
): string {
  const { width, height } = size;
  const random = seededRandom(hash(seed, imageIndex));
  const hueA = random() * 360;
  const hueB = (hueA + 90 + random() * 180) % 360;
  const from = hsl(hueA, 0.7, 0.55);
  const to = hsl(hueB, 0.6, 0.35);
  const disc = {
    x: width * (0.3 + random() * 0.4),
    y: height * (0.3 + random() * 0.4),
    r: Math.min(width, height) * (0.15 + random() * 0.15),
  };
  const discColour = hsl((hueA + 180) % 360, 0.8, 0.7);
  const grid = Math.max(8, Math.round(Math.min(width, height) / (6 + Math.floor(random() * 6))));
  const noise = Math.max(0, Math.min(255, Math.round(size.noise)));
  // The noise has its own generator, so a preview and its final share every shape.
  const grain = seededRandom(hash(seed ^ 0x5bd1e995, imageIndex));

  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x + y) / Math.max(1, width + height - 2);
      let r = from[0] + (to[0] - from[0]) * t;
      let g = from[1] + (to[1] - from[1]) * t;
      let b = from[2] + (to[2] - from[2]) * t;
      if ((x - disc.x) ** 2 + (y - disc.y) ** 2 <= disc.r ** 2) [r, g, b] = discColour;
      else if (x % grid === 0 || y % grid === 0) [r, g, b] = [r * 0.8, g * 0.8, b * 0.8];
      const offset = (y * width + x) * 3;
      const n = noise === 0 ? 0 : (grain() - 0.5) * noise;
      data[offset] = clamp(r + n);
      data[offset + 1] = clamp(g + n);
      data[offset + 2] = clamp(b + n);
    }
  }
  if (pixelBlock > 1) pixelate(data, width, height, pixelBlock);
  png.data = data;
  return PNG.sync
    .write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false, deflateLevel: 6 })
    .toString('base64');
}

/**
 * The block size of preview `partialIndex` of `partialCount`: the first preview is the coarsest, each next one
 * finer, and all coarser than the final image.
 */
export function previewBlock(partialIndex: number, partialCount: number, size: MockImageSize): number {
  const base = Math.max(2, Math.round(Math.min(size.width, size.height) / 32));
  return base * 2 ** (partialCount - 1 - partialIndex);
}

/** Averages every `block`x`block` square (an RGB buffer), like a low-resolution preview scaled up. */
function pixelate(data: Buffer, width: number, height: number, block: number): void {
  for (let by = 0; by < height; by += block) {
    for (let bx = 0; bx < width; bx += block) {
      const yEnd = Math.min(height, by + block);
      const xEnd = Math.min(width, bx + block);
      const sum = [0, 0, 0];
      for (let y = by; y < yEnd; y++)
        for (let x = bx; x < xEnd; x++) for (let c = 0; c < 3; c++) sum[c]! += data[(y * width + x) * 3 + c]!;
      const count = (yEnd - by) * (xEnd - bx);
      for (let y = by; y < yEnd; y++)
        for (let x = bx; x < xEnd; x++)
          for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.round(sum[c]! / count);
    }
  }
}

function clamp(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => 255 * (l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1))));
  return [f(0), f(8), f(4)];
}

function hash(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 15;
  return Math.imul(h, 0x27d4eb2f) >>> 0;
}
