import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ImageWriter, imageFileName } from '../../scripts/demo/files';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rxjs-openai-files-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('demo: image files', () => {
  it('names files by item id and format, previews by their index', () => {
    expect(imageFileName('ig_1', 'png')).toBe('ig_1.png');
    expect(imageFileName('ig_1', 'webp', 2)).toBe('ig_1.partial-2.webp');
    expect(imageFileName('../x/ig', 'p/ng')).toBe('.._x_ig.png');
  });

  it('writes the decoded bytes, creating the folder, and leaves no temporary file', async () => {
    const dir = join(await tempDir(), 'nested', 'out');
    const writer = new ImageWriter(dir, new AbortController().signal);
    const path = await writer.write('ig_1.png', Buffer.from('png bytes').toString('base64'));
    expect(path).toBe(join(dir, 'ig_1.png'));
    expect(await readFile(path!, 'utf8')).toBe('png bytes');
    expect(await readdir(dir)).toEqual(['ig_1.png']);
  });

  it('once cancelled, writes in flight are dropped and nothing is left behind', async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    const writer = new ImageWriter(dir, controller.signal);
    const pending = writer.write('ig_1.png', Buffer.alloc(4 * 1024 * 1024).toString('base64'));
    controller.abort();
    await writer.settle();
    expect(await pending).toBeNull();
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });
});
