import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startMockResponsesServer } from 'rxjs-openai/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

// Runs the README's quick start as it is, through the real `openai` client, against the local server.
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const script = join(root, 'test/readme/quick-start.ts');

let server: Awaited<ReturnType<typeof startMockResponsesServer>>;
let cwd: string;
beforeAll(async () => {
  server = await startMockResponsesServer({ scenario: { images: 1, partials: 2 } });
  cwd = await mkdtemp(join(tmpdir(), 'rxjs-openai-quick-start-'));
});
afterAll(async () => {
  await server.close();
  await rm(cwd, { recursive: true, force: true });
});

it('streams previews and saves the final image, byte-identical to what was served', async () => {
  const { stdout } = await promisify(execFile)(tsx, ['--tsconfig', join(root, 'tsconfig.json'), script], {
    cwd,
    env: { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test' },
    timeout: 30_000,
  });
  const served = [...server.responses.values()][0]!;
  const image = served.images[0]!;
  expect(stdout.trim().split('\n')).toEqual([
    `preview 1 of ${image.itemId}`,
    `preview 2 of ${image.itemId}`,
    `saved ${image.itemId}`,
  ]);
  expect(await readdir(cwd)).toEqual([`${image.itemId}.png`]);
  expect((await readFile(join(cwd, `${image.itemId}.png`))).equals(Buffer.from(image.b64, 'base64'))).toBe(
    true,
  );
  expect(server.requests[0]!.body).toMatchObject({
    stream: true,
    tools: [{ type: 'image_generation', partial_images: 2 }],
  });
});
