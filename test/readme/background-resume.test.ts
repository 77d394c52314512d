import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type MockResponsesServer, startMockResponsesServer } from 'rxjs-openai/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

// Runs the README's resuming example as it is, through the real `openai` client, against the local server,
// which cuts the first connection in the middle of the frame that carries the final image's bytes.
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const script = join(root, 'test/readme/background-resume.ts');
const text = 'A white lighthouse at dawn.';

let server: MockResponsesServer;
let cwd: string;
beforeAll(async () => {
  server = await startMockResponsesServer({
    scenario: (request) =>
      request.index === 0 ? { images: 1, partials: 1, text, cut: { afterEvents: 17, midFrame: true } } : {},
  });
  cwd = await mkdtemp(join(tmpdir(), 'rxjs-openai-resume-'));
});
afterAll(async () => {
  await server.close();
  await rm(cwd, { recursive: true, force: true });
});

it('prints the text, saves the image byte-identical and ends with the response, across a dropped connection', async () => {
  const { stdout, stderr } = await promisify(execFile)(
    tsx,
    ['--tsconfig', join(root, 'tsconfig.json'), script],
    {
      cwd,
      env: { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test' },
      timeout: 30_000,
    },
  );
  const served = [...server.responses.values()][0]!;
  const image = served.images[0]!;
  expect(stderr).toBe('');
  expect(stdout).toBe(`${text}\n${served.id} completed: 2 output items\n`);
  expect(await readdir(cwd)).toEqual([`${image.itemId}.png`]);
  expect((await readFile(join(cwd, `${image.itemId}.png`))).equals(Buffer.from(image.b64, 'base64'))).toBe(
    true,
  );
  // The first connection was cut after 17 events (half of the 18th went through); the second asked for the rest.
  expect(server.requests.map((r) => [r.method, r.end])).toEqual([
    ['POST', 'cut'],
    ['GET', 'finished'],
  ]);
  expect(served.events[17]).toMatchObject({ type: 'response.output_item.done', item: { result: image.b64 } });
  expect(server.requests[1]!.url).toBe(`/v1/responses/${served.id}?stream=true&starting_after=16`);
});
