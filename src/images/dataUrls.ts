import { base64ToBytes } from './bytes';
import { imageMimeType } from './mimeType';

/**
 * A `data:` URL for a base64 image, for `<img src>`: no decoding, no cleanup, but the string is as large as
 * the image (prefer {@link imageBlob} and `objectUrls()` for large or frequently replaced images).
 *
 * @example
 * ```ts
 * import { imageDataUrl } from 'rxjs-openai';
 * img.src = imageDataUrl(image.b64, image.item.output_format);
 * ```
 *
 * @param b64 The image, base64-encoded, as the API sends it.
 * @param format The `output_format` (`png` by default).
 * @return `data:<mime>;base64,<b64>`.
 */
export function imageDataUrl(b64: string, format?: string | null): string {
  return `data:${imageMimeType(format)};base64,${b64}`;
}

/**
 * A `Blob` of a base64 image with its MIME type, for `URL.createObjectURL`, uploads or downloads.
 *
 * @example
 * ```ts
 * import { imageBlob } from 'rxjs-openai';
 * const blob = imageBlob(image.b64, image.item.output_format);
 * await fetch('/api/gallery', { method: 'POST', body: blob });
 * ```
 *
 * @param b64 The image, base64-encoded.
 * @param format The `output_format` (`png` by default).
 * @return The image as a `Blob` of type `image/<format>`.
 */
export function imageBlob(b64: string, format?: string | null): Blob {
  return new Blob([base64ToBytes(b64)], { type: imageMimeType(format) });
}
