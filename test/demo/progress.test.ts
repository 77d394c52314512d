import { describe, expect, it } from 'vitest';
import { createProgress, describeImage, formatBytes } from '../../scripts/demo/progress';
import { imageState } from '../../src/testing/index';

const state = imageState;
const writer = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { out: { isTTY, write: (text: string) => chunks.push(text) }, chunks };
};
const b64Of = (bytes: number) => Buffer.alloc(bytes).toString('base64');

describe('demo: progress', () => {
  it('formats bytes', () => {
    expect([formatBytes(12), formatBytes(2048), formatBytes(3 * 1024 * 1024)]).toEqual([
      '12 B',
      '2.0 KB',
      '3.00 MB',
    ]);
  });

  it('describes an image: status, partial n of N, decoded bytes', () => {
    expect(describeImage(state({ status: 'generating' }), 2)).toBe('ig_1  generating');
    expect(describeImage(state({ status: 'partial', partials: 1, b64: b64Of(1536) }), 3)).toBe(
      'ig_1  partial 1 of 3  1.5 KB',
    );
    expect(describeImage(state({ status: 'completed', b64: b64Of(10) }), 3)).toBe('ig_1  completed  10 B');
    expect(describeImage(state({ status: 'failed', error: new Error('blocked') }), 3)).toBe(
      'ig_1  failed: blocked',
    );
  });

  it('prints plain lines, one per change, when not on a terminal', () => {
    const { out, chunks } = writer(false);
    const progress = createProgress(out, 2);
    const a = state({ status: 'generating' });
    progress.states([a]);
    progress.states([a, state({ itemId: 'ig_2', outputIndex: 1 })]);
    progress.wrote('output/ig_1.png');
    expect(chunks).toEqual(['ig_1  generating\n', 'ig_2  started\n', '  wrote output/ig_1.png\n']);
  });

  it('redraws a block in place on a terminal, and lists the files at the end', () => {
    const { out, chunks } = writer(true);
    const progress = createProgress(out, 1);
    progress.states([state({ status: 'generating' })]);
    progress.states([state({ status: 'partial', partials: 1 }), state({ itemId: 'ig_2', outputIndex: 1 })]);
    progress.wrote('output/ig_1.png');
    expect(chunks).toHaveLength(2);
    progress.end();
    expect(chunks).toEqual([
      '\r\x1b[2K[#..] ig_1  generating\n',
      '\x1b[1A\r\x1b[2K[##.] ig_1  partial 1 of 1\n\r\x1b[2K[...] ig_2  started\n',
      '  wrote output/ig_1.png\n',
    ]);
  });
});
