import { RequestBodyError } from './readJsonBody';

/**
 * The relay's cursor options: the secret(s) that sign and verify cursors. The same on every relay instance
 * behind a load balancer, so that any instance resumes (and cancels) the streams any other one served.
 */
export interface CursorOptions {
  /**
   * The HMAC-SHA256 key: a random string of at least 32 characters (e.g. `openssl rand -base64 32`), kept on
   * the server. A list rotates keys: cursors are signed with the first and accepted when any of them verifies
   * (at most 8). To rotate, put the new key first, and drop the old one once the streams it signed are over.
   */
  readonly secret: string | readonly string[];
}

/** What a verified cursor says: which background response, and after which event to resume. */
export interface Cursor {
  /** The response's id (`resp_...`). */
  readonly responseId: string;
  /** The `sequence_number` of the last event the browser received. */
  readonly sequenceNumber: number;
}

/**
 * A cursor the relay refuses (a `RequestBodyError`, so a relay's error handling answers it with its `status`
 * and `toSafeError`'s `{ code, message }`): 400 `invalid_cursor` when it is malformed (not this library's
 * format, or too long), 403 `forbidden_cursor` when its signature does not verify (forged, altered, or signed
 * by another service). A refused cursor is never used: no request for its response is sent.
 *
 * @example
 * ```ts
 * import { CursorError, verifyCursor } from 'rxjs-openai/server';
 * try {
 *   await verifyCursor(request.headers.get('last-event-id') ?? '', { secret });
 * } catch (error) {
 *   if (error instanceof CursorError) return Response.json({ code: error.code, message: error.message }, { status: error.status });
 * }
 * ```
 */
export class CursorError extends RequestBodyError {
  override name = 'CursorError';
}

/** The version prefix of the cursors this library signs. */
export const CURSOR_VERSION = 'v1';
/** The longest cursor accepted, in characters (a response id of a few hundred characters fits). */
export const MAX_CURSOR_CHARS = 1024;
/** The most secrets accepted in a rotation list (each one is tried on a cursor that does not verify). */
const MAX_SECRETS = 8;
/** The shortest secret accepted, in UTF-8 bytes: 256 bits of a random key. */
const MIN_SECRET_BYTES = 32;
/** Mixed into every signature, so that a key shared with something else cannot sign a cursor by accident. */
const DOMAIN = 'rxjs-openai.cursor';
/** `v1.<base64url(response id)>.<sequence number>.<base64url(HMAC-SHA256)>` */
const CURSOR_FORMAT = /^v1\.([A-Za-z0-9_-]{1,512})\.(0|[1-9][0-9]{0,14})\.([A-Za-z0-9_-]{43})$/;

const encoder = new TextEncoder();

/** The keys of a secret, imported once (a secret of the relay's options stays the same for its life). */
const keyCache = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_KEYS = 32;

function keyOf(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    if (keyCache.size >= MAX_CACHED_KEYS) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(secret, key);
  }
  return key;
}

/**
 * The secrets of `options`, checked: at least one, at most 8, each at least 32 bytes. Throws a `TypeError` for a
 * misconfigured relay (at start, not per request).
 */
export function cursorSecrets(options: CursorOptions): readonly string[] {
  const secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret];
  if (secrets.length === 0 || secrets.length > MAX_SECRETS) {
    throw new TypeError(`cursor.secret must hold 1 to ${MAX_SECRETS} secrets.`);
  }
  for (const secret of secrets) {
    if (typeof secret !== 'string' || encoder.encode(secret).byteLength < MIN_SECRET_BYTES) {
      throw new TypeError(
        `Each cursor secret must be a string of at least ${MIN_SECRET_BYTES} bytes (e.g. \`openssl rand -base64 32\`).`,
      );
    }
  }
  return secrets;
}

/**
 * Signs a cursor: `v1.<base64url(response id)>.<sequence number>.<base64url(HMAC-SHA256(secret,
 * "rxjs-openai.cursor." + everything before the signature))>`, with the first secret. The relay (with its
 * `cursor` option) writes one as the SSE `id:` of every event of a background response; the browser sends the
 * last one back (`Last-Event-ID`) to resume, or to cancel. It runs in Node, Deno, Bun, Cloudflare Workers and
 * other fetch-style runtimes alike: with the runtime's `node:crypto` HMAC where `process.getBuiltinModule` offers
 * it (synchronous: a relay signs every event), else with WebCrypto (`crypto.subtle`); the same cursor either way.
 *
 * ```
 * signCursor({ responseId: 'resp_1', sequenceNumber: 7 }, { secret })
 * result:  -----"v1.cmVzcF8x.7.Hq3...43 characters"|
 * ```
 *
 * @example
 * ```ts
 * import { signCursor } from 'rxjs-openai/server';
 * const cursor = await signCursor({ responseId: 'resp_123', sequenceNumber: 41 }, { secret: process.env.CURSOR_SECRET! });
 * ```
 *
 * @param cursor The response id and the sequence number of the event it marks.
 * @param options The secret(s); the first signs.
 * @return A promise of the cursor, about 100 characters for an API response id.
 * @see verifyCursor
 */
export async function signCursor(cursor: Cursor, options: CursorOptions): Promise<string> {
  const [secret] = cursorSecrets(options);
  return cursorSigner(secret!)(cursor.responseId, cursor.sequenceNumber);
}

/** What signs a cursor's payload with one secret: at once (Node's HMAC) or later (WebCrypto). */
export type CursorSigner = (responseId: string, sequenceNumber: number) => string | Promise<string>;

/** The part of `node:crypto` the signer uses (declared here: this module needs no Node types). */
interface NodeHmac {
  createHmac(
    algorithm: 'sha256',
    key: string,
  ): {
    update(data: string): { digest(encoding: 'base64url'): string };
  };
}

/** `node:crypto`, where the runtime offers it without an import (Node 22, Deno, Bun); else `null`. */
function nodeCrypto(): NodeHmac | null {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const module = runtime?.getBuiltinModule?.('node:crypto') as Partial<NodeHmac> | undefined;
  return typeof module?.createHmac === 'function' ? (module as NodeHmac) : null;
}

/**
 * A signer for one secret (checked beforehand): the relay calls it once per event. With `node:crypto` it signs
 * synchronously (a few microseconds); without, or with `webCrypto`, it returns a promise (WebCrypto). The same
 * cursor either way.
 */
export function cursorSigner(secret: string, options: { webCrypto?: boolean } = {}): CursorSigner {
  const node = options.webCrypto ? null : nodeCrypto();
  const payloadOf = (responseId: string, sequenceNumber: number) => {
    if (!Number.isSafeInteger(sequenceNumber) || sequenceNumber < 0) {
      throw new TypeError(
        `A cursor's sequence number must be a non-negative integer, not ${sequenceNumber}.`,
      );
    }
    return `${CURSOR_VERSION}.${base64url(encoder.encode(responseId))}.${sequenceNumber}`;
  };
  if (node) {
    return (responseId, sequenceNumber) => {
      const payload = payloadOf(responseId, sequenceNumber);
      const mac = node.createHmac('sha256', secret).update(`${DOMAIN}.${payload}`).digest('base64url');
      return `${payload}.${mac}`;
    };
  }
  return async (responseId, sequenceNumber) => {
    const payload = payloadOf(responseId, sequenceNumber);
    const key = await keyOf(secret);
    const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(`${DOMAIN}.${payload}`));
    return `${payload}.${base64url(new Uint8Array(signature))}`;
  };
}

/**
 * Checks a cursor and says what it points at. It is accepted when its signature verifies with any of the
 * secrets (rotation), checked in constant time by WebCrypto (`crypto.subtle.verify`). It rejects with
 * {@link CursorError} only: 400 `invalid_cursor` for a malformed cursor, 403 `forbidden_cursor` for a forged,
 * altered or foreign one; nothing else is trusted, so a refused cursor never reaches the API.
 *
 * ```
 * verifyCursor("v1.cmVzcF8x.7.Hq3...", { secret })   result: { responseId: 'resp_1', sequenceNumber: 7 }
 * verifyCursor("v1.cmVzcF8x.8.Hq3...", { secret })   result: # CursorError 403 (altered)
 * verifyCursor("hello", { secret })                  result: # CursorError 400 (malformed)
 * ```
 *
 * @example
 * ```ts
 * import { verifyCursor } from 'rxjs-openai/server';
 * const { responseId, sequenceNumber } = await verifyCursor(cursor, { secret: [newSecret, oldSecret] });
 * ```
 *
 * @param text The cursor, as the browser sent it.
 * @param options The secret(s): any of them may have signed it.
 * @return A promise of the response id and the sequence number.
 * @see signCursor
 */
export async function verifyCursor(text: string, options: CursorOptions): Promise<Cursor> {
  const secrets = cursorSecrets(options);
  const match = typeof text === 'string' && text.length <= MAX_CURSOR_CHARS ? CURSOR_FORMAT.exec(text) : null;
  const responseId = match ? decodeBase64url(match[1]!) : null;
  if (!match || responseId === null) {
    throw new CursorError(400, 'invalid_cursor', 'The cursor is malformed.');
  }
  // Canonical only: a signature whose text differs (even in the unused bits of its last character) was altered.
  const signature = decodeBytes(match[3]!);
  if (!signature || base64url(signature) !== match[3]) {
    throw new CursorError(403, 'forbidden_cursor', 'The cursor was not issued by this service.');
  }
  const signed = encoder.encode(`${DOMAIN}.${text.slice(0, text.lastIndexOf('.'))}`);
  for (const secret of secrets) {
    if (await crypto.subtle.verify('HMAC', await keyOf(secret), signature, signed)) {
      return { responseId, sequenceNumber: Number(match[2]) };
    }
  }
  throw new CursorError(403, 'forbidden_cursor', 'The cursor was not issued by this service.');
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeBytes(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** A base64url UTF-8 string, or `null` when it is not one (or not canonical: one text, one cursor). */
function decodeBase64url(text: string): string | null {
  const bytes = decodeBytes(text);
  if (!bytes || base64url(bytes) !== text) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
