/** The image MIME types the API's `output_format` values map to. */
export type ImageMimeType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif' | 'image/svg+xml';

const BY_FORMAT: Record<string, ImageMimeType> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  svg: 'image/svg+xml',
};

/**
 * The MIME type for an image generation call's `output_format` (`png`, `jpeg`, `webp`, `gif`, `svg`);
 * `image/png`, the API's default, when the format is missing or unknown.
 *
 * @example
 * ```ts
 * import { imageMimeType } from 'rxjs-openai';
 * imageMimeType(image.item.output_format); // 'image/webp'
 * ```
 *
 * @param format The `output_format`, case-insensitive; `null`/`undefined` for the default.
 * @return The MIME type.
 */
export function imageMimeType(format: string | null | undefined): ImageMimeType {
  return (format && BY_FORMAT[format.toLowerCase()]) || 'image/png';
}

/**
 * The MIME type of image bytes, from their first bytes (PNG, JPEG, GIF, WebP, SVG), or `null` when they are
 * none of these. Previews carry no `output_format` in `ImageState`, so this is how `objectUrls()` labels them.
 *
 * @example
 * ```ts
 * import { base64ToBytes, sniffImageMimeType } from 'rxjs-openai';
 * sniffImageMimeType(base64ToBytes(state.b64)); // 'image/png'
 * ```
 *
 * @param bytes The image's bytes (the first 16 are enough).
 * @return The MIME type, or `null`.
 */
export function sniffImageMimeType(bytes: Uint8Array): ImageMimeType | null {
  const at = (i: number) => bytes[i] ?? -1;
  const ascii = (from: number, text: string) => [...text].every((c, i) => at(from + i) === c.charCodeAt(0));
  if (at(0) === 0x89 && ascii(1, 'PNG')) return 'image/png';
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if (ascii(0, 'GIF8')) return 'image/gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  // SVG is text: skip a UTF-8 BOM and leading whitespace, then expect `<svg` or `<?xml`.
  let i = at(0) === 0xef && at(1) === 0xbb && at(2) === 0xbf ? 3 : 0;
  while (i < bytes.length && i < 64 && (at(i) === 0x20 || at(i) === 0x0a || at(i) === 0x0d || at(i) === 0x09))
    i++;
  if (ascii(i, '<svg') || ascii(i, '<?xml')) return 'image/svg+xml';
  return null;
}
