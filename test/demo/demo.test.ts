// Runs `scripts/demo.ts` as `npm run demo` does (through tsx), as a child process, against local servers only.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDemoArgs } from '../../scripts/demo/args';
import { localScenario, requestBody } from '../../scripts/demo/run';
import { streamResponse, withFinalImage } from '../../src/index';
import { SAMPLE_PNGS, startMockResponsesServer } from '../../src/testing/index';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const script = join(root, 'scripts/demo.ts');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rxjs-openai-demo-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
};
const server = async (options: Parameters<typeof startMockResponsesServer>[0]) => {
  const s = await startMockResponsesServer(options);
  cleanups.push(() => s.close());
  return s;
};

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts the demo in `cwd`, never with an API key from this environment: it cannot reach the real API. */
function demo(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const { OPENAI_API_KEY: _key, OPENAI_BASE_URL: _url, ...rest } = process.env;
  const child = spawn(process.execPath, [tsx, script, ...args], {
    cwd,
    env: { ...rest, INIT_CWD: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exit;
  });
  return { child, stdout: () => out, stderr: () => err, exit };
}

const fileBytes = (dir: string, name: string) => readFile(join(dir, name));

describe('npm run demo', () => {
  it('with no arguments, streams from the built-in server and writes every preview and final image to ./output', async () => {
    const cwd = await tempDir();
    const run = demo([], cwd);
    expect(await run.exit).toBe(0);

    // What the built-in server served: the same scenario and seed, served again here.
    const options = parseDemoArgs([], {}, cwd);
    if (options === 'help') throw new Error('unexpected help');
    const reference = await server({ scenario: { ...localScenario(options), delayMs: 0 } });
    const client = new OpenAI({ baseURL: reference.url, apiKey: 'test', maxRetries: 0 });
    await lastValueFrom(streamResponse(client, requestBody(options)).pipe(withFinalImage(), toArray()));
    const [image] = reference.responses.get(reference.requests[0]!.responseId!)!.images;

    const output = join(cwd, 'output');
    expect((await readdir(output)).sort()).toEqual([
      'ig_0001.partial-0.png',
      'ig_0001.partial-1.png',
      'ig_0001.png',
    ]);
    expect((await fileBytes(output, 'ig_0001.png')).equals(Buffer.from(image!.b64, 'base64'))).toBe(true);
    for (const [i, b64] of image!.partials.entries())
      expect((await fileBytes(output, `ig_0001.partial-${i}.png`)).equals(Buffer.from(b64, 'base64'))).toBe(
        true,
      );
    expect(run.stdout()).toContain('ig_0001  partial 2 of 2');
    expect(run.stdout()).toContain('  wrote output/ig_0001.png\n');
    expect(run.stdout()).toMatch(/Done: 1 image\(s\) in [\d.]+ s: output\/ig_0001\.png\n$/);
    expect(run.stderr()).toBe('');
  });

  it('with --base-url, sends the image_generation tool with partial_images and saves exactly what was served', async () => {
    const api = await server({ scenario: { images: 2, partials: 1, interleave: true } });
    const cwd = await tempDir();
    const run = demo(
      ['--base-url', api.url, '-n', '2', '--partials', '1', '-m', 'gpt-4.1', '-p', 'two foxes', '-o', 'imgs'],
      cwd,
      {
        OPENAI_API_KEY: 'sk-local-test',
      },
    );
    expect(await run.exit).toBe(0);
    const request = api.requests[0]!;
    expect(request.headers.authorization).toBe('Bearer sk-local-test');
    expect(request.body).toEqual({
      model: 'gpt-4.1',
      input: 'Generate 2 separate images. two foxes',
      tools: [{ type: 'image_generation', partial_images: 1 }],
      stream: true,
    });
    const served = api.responses.get(request.responseId!)!.images;
    const dir = join(cwd, 'imgs');
    for (const image of served) {
      expect((await fileBytes(dir, `${image.itemId}.png`)).equals(Buffer.from(image.b64, 'base64'))).toBe(
        true,
      );
      expect(
        (await fileBytes(dir, `${image.itemId}.partial-0.png`)).equals(
          Buffer.from(image.partials[0]!, 'base64'),
        ),
      ).toBe(true);
    }
    expect((await readdir(dir)).length).toBe(4);
  });

  it('--api images streams each image from the Images API and saves exactly what was served', async () => {
    const api = await server({ scenario: (request) => ({ partials: 1, seed: 5 + request.index }) });
    const cwd = await tempDir();
    const run = demo(['--base-url', api.url, '--api', 'images', '-n', '2', '--partials', '1'], cwd, {
      OPENAI_API_KEY: 'sk-local-test',
    });
    expect(await run.exit).toBe(0);
    expect(api.requests.map((r) => [r.method, r.url])).toEqual([
      ['POST', '/v1/images/generations'],
      ['POST', '/v1/images/generations'],
    ]);
    expect(api.requests[0]!.body).toEqual({
      model: 'gpt-image-1.5',
      prompt: 'A lighthouse on a rocky coast at dawn, watercolour',
      partial_images: 1,
      stream: true,
    });
    const output = join(cwd, 'output');
    const names: string[] = [];
    for (const { image } of api.requests) {
      expect(
        (await fileBytes(output, `${image!.itemId}.png`)).equals(Buffer.from(image!.b64, 'base64')),
      ).toBe(true);
      expect(
        (await fileBytes(output, `${image!.itemId}.partial-0.png`)).equals(
          Buffer.from(image!.partials[0]!, 'base64'),
        ),
      ).toBe(true);
      names.push(`${image!.itemId}.png`, `${image!.itemId}.partial-0.png`);
    }
    expect((await readdir(output)).sort()).toEqual(names.sort());
    expect(run.stdout()).toContain('(Images API: generations)');
    expect(run.stdout()).toMatch(/Done: 2 image\(s\)/);
  });

  it('--edit uploads the file to the Images API’s edits and saves the edited image', async () => {
    const api = await server({ scenario: { partials: 1 } });
    const cwd = await tempDir();
    const input = Buffer.from(SAMPLE_PNGS[2]!.b64, 'base64');
    await writeFile(join(cwd, 'room.png'), input);
    const run = demo(['--base-url', api.url, '--edit', 'room.png', '-p', 'add a fireplace'], cwd, {
      OPENAI_API_KEY: 'sk-local-test',
    });
    expect(await run.exit).toBe(0);
    const record = api.requests[0]!;
    expect(record.url).toBe('/v1/images/edits');
    expect(record.body).toMatchObject({
      prompt: 'add a fireplace',
      model: 'gpt-image-1.5',
      stream: 'true',
      image: {
        filename: 'room.png',
        type: 'image/png',
        size: input.length,
        sha256: createHash('sha256').update(input).digest('hex'),
      },
    });
    const edited = record.image!;
    expect(
      (await fileBytes(join(cwd, 'output'), `${edited.itemId}.png`)).equals(
        Buffer.from(edited.b64, 'base64'),
      ),
    ).toBe(true);
    expect(run.stdout()).toContain('Editing room.png');
  });

  it('--edit of a file that is not an image prints one line and exits 1, sending nothing', async () => {
    const api = await server({});
    const cwd = await tempDir();
    await writeFile(join(cwd, 'notes.txt'), 'hello');
    const run = demo(['--base-url', api.url, '--edit', 'notes.txt'], cwd, {
      OPENAI_API_KEY: 'sk-local-test',
    });
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toBe(`Error: ${join(cwd, 'notes.txt')} is not a PNG, JPEG or WebP image.\n`);
    expect(api.requests).toHaveLength(0);
  });

  it('on an error, prints one line and exits non-zero', async () => {
    const cwd = await tempDir();
    const run = demo(['--scenario', '{"status":500}'], cwd);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toBe(
      'Error: InternalServerError: 500 The server had an error while processing your request. Sorry about that!\n',
    );
    expect(await readdir(join(cwd, 'output')).catch(() => [])).toEqual([]);
  });

  it('on Ctrl-C mid-stream, aborts the request, exits 130 and leaves no final or temporary file', async () => {
    // The stream stalls after the first preview: the final image can only come if Ctrl-C is ignored.
    const api = await server({ scenario: { images: 1, partials: 2, stallAfterEvents: 6 } });
    const cwd = await tempDir();
    const run = demo(['--base-url', api.url], cwd);
    await new Promise<void>((resolve) => {
      run.child.stdout!.on('data', () => {
        if (run.stdout().includes('wrote output/ig_0001.partial-0.png')) resolve();
      });
    });
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    const record = await api.requests[0]!.ended;
    expect(record.clientClosed).toBe(true);
    expect(record.eventsSent).toBe(6);
    expect(await readdir(join(cwd, 'output'))).toEqual(['ig_0001.partial-0.png']);
    expect(run.stderr()).toBe('Cancelled: the request was aborted; no unfinished image was written.\n');
  });

  it('--help documents the options and exits 0', async () => {
    const run = demo(['--help'], await tempDir());
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain('Usage: npm run demo -- [options]');
  });
});
