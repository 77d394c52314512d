import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startMockResponsesServer } from 'rxjs-openai/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

// Runs the README's Images API example as it is, through the real `openai` client, against the local server.
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const script = join(root, 'test/readme/images-api.ts');

let server: Awaited<ReturnType<typeof startMockResponsesServer>>;
beforeAll(async () => {
  server = await startMockResponsesServer();
});
afterAll(() => server.close());

it('streams a generation of the Images API into imageStates(): each preview, then the final image', async () => {
  const { stdout } = await promisify(execFile)(tsx, ['--tsconfig', join(root, 'tsconfig.json'), script], {
    env: { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test' },
    timeout: 30_000,
  });
  const record = server.requests[0]!;
  expect(record.url).toBe('/v1/images/generations');
  expect(record.body).toEqual({
    model: 'gpt-image-1.5',
    prompt: 'A lighthouse at dawn, watercolor',
    partial_images: 2,
    stream: true,
  });
  const id = record.image!.itemId;
  expect(stdout.trim().split('\n')).toEqual([`${id} partial 1`, `${id} partial 2`, `${id} completed 2`]);
});
