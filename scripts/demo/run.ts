// The demo itself: one image generation streamed through the real openai client and rxjs-openai.
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, relative } from 'node:path';
import OpenAI from 'openai';
import {
  combineLatest,
  concatMap,
  ignoreElements,
  map,
  merge,
  type Observable,
  share,
  startWith,
  tap,
} from 'rxjs';
import {
  type ImageStreamEvent,
  imageStates,
  partialImages,
  sniffImageMimeType,
  streamImageEdit,
  streamImageGeneration,
  streamResponse,
  withFinalImage,
} from '../../src/index';
import {
  type MockResponsesServer,
  type MockScenario,
  startMockResponsesServer,
} from '../../src/testing/index';
import type { DemoOptions } from './args';
import { ImageWriter, imageFileName } from './files';
import { createProgress, type ProgressOutput } from './progress';

/** Where the demo writes, and what cancels it. */
export interface DemoIO {
  readonly stdout: ProgressOutput;
  readonly stderr: { write(text: string): unknown };
  /** Aborted on Ctrl-C: the request is aborted and the demo returns 130. */
  readonly signal: AbortSignal;
}

/** What the built-in server serves by default: a visible drip, images big enough to look at. */
export function localScenario(options: DemoOptions): MockScenario {
  return {
    images: options.images,
    partials: options.partials,
    imageSize: { width: 512, height: 512 },
    delayMs: 120,
    ...(options.scenario as MockScenario | null),
  };
}

/** The request body: the `image_generation` tool with `partial_images`, as the API expects. */
export function requestBody(options: DemoOptions) {
  return {
    model: options.model,
    input:
      options.images > 1 ? `Generate ${options.images} separate images. ${options.prompt}` : options.prompt,
    tools: [{ type: 'image_generation' as const, partial_images: options.partials }],
  };
}

/** The Images API's request body: one image per request (a stream each), `partial_images` previews. */
export function imagesRequestBody(options: DemoOptions) {
  return { model: options.model, prompt: options.prompt, partial_images: options.partials };
}

/** The image to edit, as a `File` the SDK uploads (its type from its bytes). */
export async function editInput(path: string): Promise<File> {
  const bytes = await readFile(path);
  const type = sniffImageMimeType(bytes);
  if (type !== 'image/png' && type !== 'image/jpeg' && type !== 'image/webp')
    throw new Error(`${path} is not a PNG, JPEG or WebP image.`);
  return new File([bytes], basename(path), { type });
}

/**
 * The event streams of the demo's request: one response of the Responses API, or, with the Images API, one
 * stream per image asked for (it streams one image per request).
 */
async function eventStreams(client: OpenAI, options: DemoOptions): Promise<Observable<ImageStreamEvent>[]> {
  if (options.api === 'responses') return [streamResponse(client, requestBody(options))];
  const body = imagesRequestBody(options);
  const image = options.edit ? await editInput(options.edit) : null;
  return Array.from({ length: options.images }, () =>
    image ? streamImageEdit(client, { ...body, image }) : streamImageGeneration(client, body),
  );
}

/** `path` relative to `cwd` when it is inside it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const shown = relative(cwd, path);
  return shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : path;
}

/** An error as one line: its class, message and cause, no stack. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const name = error.name === 'Error' ? error.constructor.name : error.name;
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  // A plain Error (the demo's own) is its message alone: the line already starts with "Error:".
  const prefix = name === 'Error' ? '' : `${name}: `;
  return `${prefix}${error.message}${cause}`.replace(/\s+/g, ' ').trim();
}

/**
 * Runs the demo: streams one response, shows progress, writes every preview and final image.
 *
 * @param options The parsed command line.
 * @param io Output streams and the cancel signal.
 * @return The exit code: 0 done, 1 on an error (one line on stderr), 130 when cancelled.
 */
export async function runDemo(options: DemoOptions, io: DemoIO): Promise<number> {
  const started = performance.now();
  let server: MockResponsesServer | null = null;
  try {
    if (options.baseURL === null) {
      // With the Images API each image is a request of its own: a seed per request draws different images.
      const scenario = localScenario(options);
      server = await startMockResponsesServer({
        scenario:
          options.api === 'images' ? (request) => ({ seed: 1 + request.index, ...scenario }) : scenario,
      });
    }
    const baseURL = options.baseURL ?? server!.url;
    const client = new OpenAI({
      baseURL,
      apiKey: options.apiKey ?? 'local',
      logLevel: 'off',
      ...(server ? { maxRetries: 0 } : {}),
    });
    const endpoint =
      options.api === 'responses' ? '' : options.edit ? ' (Images API: edits)' : ' (Images API: generations)';
    io.stdout.write(
      server
        ? `Local Responses server at ${baseURL}${endpoint} (set OPENAI_API_KEY to call the real API)\n`
        : `Calling ${baseURL}${endpoint}\n`,
    );
    io.stdout.write(
      `Model ${options.model}, ${options.images} image(s), ${options.partials} partial(s) each: "${options.prompt}"\n`,
    );
    if (options.edit) io.stdout.write(`Editing ${displayPath(options.edit, options.cwd)}\n`);

    const writer = new ImageWriter(options.outDir, io.signal);
    const progress = createProgress(io.stdout, options.partials);
    const finals: string[] = [];
    const written = (path: string | null, final: boolean) => {
      if (path === null) return;
      const shown = displayPath(path, options.cwd);
      if (final) finals.push(shown);
      progress.wrote(shown);
    };
    // Each stream is shared by its three pipelines; several streams (the Images API's) are shown as one list.
    const streams = (await eventStreams(client, options)).map((events$) => events$.pipe(share()));
    const states$ =
      streams.length === 1
        ? streams[0]!.pipe(imageStates())
        : combineLatest(streams.map((events$) => events$.pipe(imageStates(), startWith([])))).pipe(
            map((lists) => lists.flat()),
          );
    const work$ = merge(
      states$.pipe(
        tap((list) => progress.states(list)),
        ignoreElements(),
      ),
      ...streams.map((events$) =>
        merge(
          events$.pipe(
            partialImages(),
            concatMap((p) => writer.write(imageFileName(p.itemId, p.outputFormat ?? 'png', p.index), p.b64)),
            tap((path) => written(path, false)),
          ),
          events$.pipe(
            withFinalImage(),
            concatMap((image) =>
              writer.write(imageFileName(image.itemId, image.outputFormat ?? 'png'), image.b64),
            ),
            tap((path) => written(path, true)),
          ),
        ),
      ),
    );

    const outcome = await new Promise<{ cancelled: true } | { cancelled: false; error?: unknown }>(
      (resolve) => {
        const cancel = () => {
          subscription.unsubscribe();
          resolve({ cancelled: true });
        };
        const subscription = work$.subscribe({
          error: (error: unknown) => resolve({ cancelled: false, error }),
          complete: () => resolve({ cancelled: false }),
        });
        subscription.add(() => io.signal.removeEventListener('abort', cancel));
        if (io.signal.aborted) cancel();
        else io.signal.addEventListener('abort', cancel, { once: true });
      },
    );
    await writer.settle();
    progress.end();

    if (outcome.cancelled) {
      io.stderr.write('Cancelled: the request was aborted; no unfinished image was written.\n');
      return 130;
    }
    if ('error' in outcome) {
      io.stderr.write(`Error: ${describeError(outcome.error)}\n`);
      return 1;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.stdout.write(`Done: ${finals.length} image(s) in ${seconds} s: ${finals.join(', ') || 'none'}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`Error: ${describeError(error)}\n`);
    return 1;
  } finally {
    await server?.close();
  }
}
