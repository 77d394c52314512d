/** `Uint8Array.fromBase64`, where the runtime has it (ES2026; Chrome 140+, Firefox 133+, Safari 18.2+). */
type FromBase64 = (b64: string) => Uint8Array;

/**
 * Decodes base64 (as the API sends images) to bytes: with `Uint8Array.fromBase64` where the runtime has it,
 * else with `atob`. Throws a `SyntaxError` (or the runtime's own error) on invalid base64.
 *
 * @example
 * ```ts
 * import { base64ToBytes } from 'rxjs-openai';
 * const bytes = base64ToBytes(image.b64); // PNG bytes: 0x89 'P' 'N' 'G' ...
 * ```
 *
 * @param b64 Standard base64 (not base64url), with or without padding.
 * @return The decoded bytes.
 */
export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const native = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64;
  if (typeof native === 'function') return native(b64) as Uint8Array<ArrayBuffer>;
  return base64ToBytesWithAtob(b64);
}

/** The `atob` fallback of {@link base64ToBytes}; exported for tests only (not from the package). */
export function base64ToBytesWithAtob(b64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
