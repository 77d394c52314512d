import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytesWithAtob } from '../../src/images/bytes';
import { base64ToBytes, imageBlob, imageDataUrl, imageMimeType, sniffImageMimeType } from '../../src/index';
import { SAMPLE_PNGS } from '../../src/testing/index';

const png = SAMPLE_PNGS[0]!.b64;
const ascii = (text: string) => new TextEncoder().encode(text);

describe('base64ToBytes', () => {
  it('decodes a real PNG: its signature and its length', () => {
    const bytes = base64ToBytes(png);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.byteLength).toBe(Buffer.from(png, 'base64').byteLength);
  });

  it('agrees with Node for any bytes, through the atob fallback and the native path alike', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
        const b64 = Buffer.from(input).toString('base64');
        expect([...base64ToBytesWithAtob(b64)]).toEqual([...input]);
        expect([...base64ToBytes(b64)]).toEqual([...input]);
      }),
    );
  });

  it('uses Uint8Array.fromBase64 when the runtime has it', () => {
    const native = (Uint8Array as unknown as { fromBase64?: unknown }).fromBase64;
    const calls: string[] = [];
    Object.defineProperty(Uint8Array, 'fromBase64', {
      configurable: true,
      writable: true,
      value: (b64: string) => {
        calls.push(b64);
        return new Uint8Array([1, 2, 3]);
      },
    });
    try {
      expect([...base64ToBytes('AQID')]).toEqual([1, 2, 3]);
      expect(calls).toEqual(['AQID']);
    } finally {
      if (native === undefined) delete (Uint8Array as unknown as { fromBase64?: unknown }).fromBase64;
      else
        Object.defineProperty(Uint8Array, 'fromBase64', {
          configurable: true,
          writable: true,
          value: native,
        });
    }
  });

  it('throws on invalid base64 rather than returning garbage', () => {
    expect(() => base64ToBytesWithAtob('not base64!')).toThrow();
  });
});

describe('imageMimeType', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['JPG', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
    ['svg', 'image/svg+xml'],
    [null, 'image/png'],
    [undefined, 'image/png'],
    ['tiff', 'image/png'],
  ])('%s → %s', (format, mime) => {
    expect(imageMimeType(format)).toBe(mime);
  });
});

describe('sniffImageMimeType', () => {
  it.each([
    ['a real PNG', base64ToBytes(png), 'image/png'],
    ['JPEG', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'image/jpeg'],
    ['GIF89a', ascii('GIF89a....'), 'image/gif'],
    ['WebP', new Uint8Array([...ascii('RIFF'), 0x24, 0, 0, 0, ...ascii('WEBPVP8 ')]), 'image/webp'],
    ['SVG', ascii('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml'],
    [
      'SVG with BOM, whitespace and an XML declaration',
      new Uint8Array([0xef, 0xbb, 0xbf, ...ascii('\n  <?xml version="1.0"?><svg/>')]),
      'image/svg+xml',
    ],
    ['RIFF that is not WebP (WAV)', new Uint8Array([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WAVE')]), null],
    ['text', ascii('hello'), null],
    ['nothing', new Uint8Array(), null],
  ])('%s', (_name, bytes, mime) => {
    expect(sniffImageMimeType(bytes)).toBe(mime);
  });
});

describe('imageDataUrl and imageBlob', () => {
  it('builds a data URL with the MIME type of the format', () => {
    expect(imageDataUrl(png)).toBe(`data:image/png;base64,${png}`);
    expect(imageDataUrl('AAAA', 'webp')).toBe('data:image/webp;base64,AAAA');
  });

  it('builds a Blob of the decoded bytes with the MIME type of the format', async () => {
    const blob = imageBlob(png, 'png');
    expect(blob.type).toBe('image/png');
    expect(Buffer.from(await blob.arrayBuffer()).toString('base64')).toBe(png);
    expect(imageBlob('AAAA', 'jpeg').type).toBe('image/jpeg');
  });
});
