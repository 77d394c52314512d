import { createHmac } from 'node:crypto';
import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { cursorSigner } from '../../src/server/cursor';
import {
  CURSOR_VERSION,
  CursorError,
  RequestBodyError,
  signCursor,
  toSafeError,
  verifyCursor,
} from '../../src/server/index';
import { signCursors } from '../../src/server/sseFrames';

const secret = 'the first secret, thirty-two bytes or more';
const other = 'another service, another secret of 32+ bytes';
const cursor = { responseId: 'resp_68c1f0a9e4b88190a1b2c3d4e5f60718', sequenceNumber: 41 };

/** Rejects with a CursorError of this status and code. */
async function refused(
  text: string,
  options: Parameters<typeof verifyCursor>[1],
  status: number,
  code: string,
) {
  const error = await verifyCursor(text, options).then(
    () => expect.unreachable('the cursor was accepted'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CursorError);
  expect(error).toBeInstanceOf(RequestBodyError);
  expect(error).toMatchObject({ name: 'CursorError', status, code });
}

describe('signCursor / verifyCursor', () => {
  it('signs v1.<base64url id>.<sequence number>.<base64url HMAC-SHA256>, and verifies it back', async () => {
    const text = await signCursor(cursor, { secret });
    const [version, id, n, mac] = text.split('.');
    expect(version).toBe(CURSOR_VERSION);
    expect(Buffer.from(id!, 'base64url').toString()).toBe(cursor.responseId);
    expect(n).toBe('41');
    // The documented format: HMAC-SHA256 of "rxjs-openai.cursor." + the payload, checked with Node's own HMAC.
    const expected = createHmac('sha256', secret)
      .update(`rxjs-openai.cursor.v1.${id}.41`)
      .digest('base64url');
    expect(mac).toBe(expected);
    expect(await verifyCursor(text, { secret })).toEqual(cursor);
  });

  it('round-trips any response id and sequence number', async () => {
    for (const [responseId, sequenceNumber] of [
      ['resp_1', 0],
      ['a.b.c', 7],
      ['résumé ✓', 123_456_789],
      ['x'.repeat(300), Number.MAX_SAFE_INTEGER % 10 ** 15],
    ] as const) {
      const text = await signCursor({ responseId, sequenceNumber }, { secret });
      expect(await verifyCursor(text, { secret })).toEqual({ responseId, sequenceNumber });
    }
  });

  it('an altered sequence number, response id or signature is 403', async () => {
    const text = await signCursor(cursor, { secret });
    const [version, id, , mac] = text.split('.');
    await refused(`${version}.${id}.42.${mac}`, { secret }, 403, 'forbidden_cursor');
    await refused(`${version}.${id}.40.${mac}`, { secret }, 403, 'forbidden_cursor');
    const otherId = Buffer.from('resp_someone_else').toString('base64url');
    await refused(`${version}.${otherId}.41.${mac}`, { secret }, 403, 'forbidden_cursor');
    const flipped = mac!.startsWith('A') ? `B${mac!.slice(1)}` : `A${mac!.slice(1)}`;
    await refused(`${version}.${id}.41.${flipped}`, { secret }, 403, 'forbidden_cursor');
    // The last character carries 4 bits of the signature and 2 unused ones: changing only those gives the same
    // bytes, and is still refused (one cursor, one text).
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(mac!.at(-1)!);
    const sameBytes = `${mac!.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(sameBytes, 'base64url').equals(Buffer.from(mac!, 'base64url'))).toBe(true);
    await refused(`${version}.${id}.41.${sameBytes}`, { secret }, 403, 'forbidden_cursor');
  });

  it("a cursor signed by another secret (another service's, or a forgery) is 403", async () => {
    const foreign = await signCursor(cursor, { secret: other });
    await refused(foreign, { secret }, 403, 'forbidden_cursor');
    const id = Buffer.from(cursor.responseId).toString('base64url');
    await refused(`v1.${id}.41.${'A'.repeat(43)}`, { secret }, 403, 'forbidden_cursor');
    // Not even a plain SHA-256 MAC of the payload without the domain prefix.
    const naive = createHmac('sha256', secret).update(`v1.${id}.41`).digest('base64url');
    await refused(`v1.${id}.41.${naive}`, { secret }, 403, 'forbidden_cursor');
  });

  it('a malformed cursor is 400, whatever it looks like', async () => {
    const text = await signCursor(cursor, { secret });
    const [, id, , mac] = text.split('.');
    for (const bad of [
      '',
      'resp_123:41',
      'v1',
      `v2.${id}.41.${mac}`,
      `v1.${id}.-1.${mac}`,
      `v1.${id}.041.${mac}`,
      `v1.${id}.4.1.${mac}`,
      `v1.${id}.41.${mac}x`,
      `v1.${id}.41.${mac!.slice(1)}`,
      `v1.${id}=.41.${mac}`,
      `v1.${id}+.41.${mac}`,
      `v1..41.${mac}`,
      `${text} `,
      `v1.${'A'.repeat(2000)}.41.${mac}`,
      // Not UTF-8 once decoded.
      `v1.${Buffer.from([0xff, 0xfe]).toString('base64url')}.41.${mac}`,
    ]) {
      await refused(bad, { secret }, 400, 'invalid_cursor');
    }
  });

  it('rotation: signs with the first secret, accepts any of them', async () => {
    const old = await signCursor(cursor, { secret: other });
    const rotated = { secret: [secret, other] };
    expect(await verifyCursor(old, rotated)).toEqual(cursor);
    const fresh = await signCursor(cursor, rotated);
    expect(fresh).toBe(await signCursor(cursor, { secret }));
    expect(await verifyCursor(fresh, rotated)).toEqual(cursor);
    // Once the old secret is dropped, its cursors are refused.
    await refused(old, { secret: [secret] }, 403, 'forbidden_cursor');
  });

  it('refuses a weak or missing secret when the relay is set up (a TypeError, not a request error)', async () => {
    await expect(signCursor(cursor, { secret: 'short' })).rejects.toThrow(TypeError);
    await expect(signCursor(cursor, { secret: [] })).rejects.toThrow(TypeError);
    await expect(signCursor(cursor, { secret: Array(9).fill(secret) })).rejects.toThrow(TypeError);
    await expect(verifyCursor('v1.x.1.y', { secret: [secret, 'short'] })).rejects.toThrow(TypeError);
    await expect(signCursor({ ...cursor, sequenceNumber: -1 }, { secret })).rejects.toThrow(TypeError);
    await expect(signCursor({ ...cursor, sequenceNumber: 1.5 }, { secret })).rejects.toThrow(TypeError);
  });

  it('toSafeError keeps a CursorError code and message, and says nothing of the secret', async () => {
    const error = await verifyCursor('nope', { secret }).catch((e: unknown) => e);
    expect(toSafeError(error)).toEqual({ code: 'invalid_cursor', message: 'The cursor is malformed.' });
    const forged = await verifyCursor(await signCursor(cursor, { secret: other }), { secret }).catch(
      (e) => e,
    );
    expect(toSafeError(forged)).toEqual({
      code: 'forbidden_cursor',
      message: 'The cursor was not issued by this service.',
    });
  });
});

describe('cursorSigner: node:crypto where the runtime has it, WebCrypto elsewhere', () => {
  it('signs the same cursor both ways (Node at once, WebCrypto as a promise)', async () => {
    const node = cursorSigner(secret);
    const web = cursorSigner(secret, { webCrypto: true });
    for (const [id, n] of [
      ['resp_1', 0],
      ['résumé ✓', 41],
      ['x'.repeat(200), 123_456_789],
    ] as const) {
      const now = node(id, n);
      expect(typeof now).toBe('string');
      const later = web(id, n);
      expect(later).toBeInstanceOf(Promise);
      expect(await later).toBe(now);
      expect(await verifyCursor(now as string, { secret })).toEqual({ responseId: id, sequenceNumber: n });
    }
  });
});

describe('signCursors: each frame after its cursor, in order, however the signatures come', () => {
  it('holds frames behind a pending signature, writes the end after the last frame', async () => {
    // Signatures that come back in reverse order: 2 first, then 1, then 0.
    const pending: Array<() => void> = [];
    const sign = (responseId: string, n: number) =>
      new Promise<string>((resolve) => pending.push(() => resolve(`${responseId}:${n}`)));
    const frame = (n: number) => ({
      frame: `event: e\ndata: ${n}\n\n`,
      responseId: 'r',
      sequenceNumber: n,
      after: n === 2 ? 0 : null,
    });
    const out: string[] = [];
    let completed = false;
    of(frame(0), ': keepalive\n\n', frame(1), frame(2))
      .pipe(signCursors(sign))
      .subscribe({ next: (chunk) => out.push(chunk), complete: () => (completed = true) });
    expect(out).toEqual([]);
    for (const resolve of pending.reverse()) {
      resolve();
      await Promise.resolve();
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(out.join('')).toBe(
      'id: r:0\nevent: e\ndata: 0\n\n: keepalive\n\nid: r:1\nevent: e\ndata: 1\n\nid: r:2\n: after 0\nevent: e\ndata: 2\n\n',
    );
    expect(completed).toBe(true);
  });
});
