// Command-line options of `npm run demo`.
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** What the demo does, from its command line and environment. */
export interface DemoOptions {
  readonly prompt: string;
  readonly model: string;
  /** Images to ask for, 1 to 4. */
  readonly images: number;
  /** Partial previews per image, 0 to 3. */
  readonly partials: 0 | 1 | 2 | 3;
  /** Where files go (created if missing): an absolute path. */
  readonly outDir: string;
  /** The folder the user ran the command in (npm's `INIT_CWD`): relative paths are relative to it. */
  readonly cwd: string;
  /** The API to call: `null` for the built-in local server. */
  readonly baseURL: string | null;
  /** The API key: from `OPENAI_API_KEY`. */
  readonly apiKey: string | null;
  /** Local server only: a scenario of the mock server (JSON), merged over the demo's own. */
  readonly scenario: Record<string, unknown> | null;
  /**
   * Which API: `responses` (the `image_generation` tool of `POST /v1/responses`) or `images` (`POST
   * /v1/images/generations`, or `/v1/images/edits` with `edit`). With `images`, each image is a stream of its
   * own (the Images API streams one image per request).
   */
  readonly api: 'responses' | 'images';
  /** The image to edit (an absolute path), with the Images API's edits; `null` to generate. */
  readonly edit: string | null;
}

/** A command line the demo cannot run: its message is printed as is. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const DEFAULT_PROMPT = 'A lighthouse on a rocky coast at dawn, watercolour';
export const DEFAULT_EDIT_PROMPT = 'The same scene at night, under a full moon';
export const DEFAULT_MODEL = 'gpt-5';
export const DEFAULT_IMAGE_MODEL = 'gpt-image-1.5';

export const HELP = `Usage: npm run demo -- [options]

Streams an image generation through the official openai client and rxjs-openai, shows live progress per image
and writes every partial preview and final image to files named by item id and format.

Without OPENAI_API_KEY it runs against a built-in local Responses server (no network, no key); with
OPENAI_API_KEY set it calls the real API (this costs money), or the server given by --base-url.

Options:
  -p, --prompt <text>      What to draw, or with --edit what to change (default: "${DEFAULT_PROMPT}")
  -m, --model <name>       The Responses model that calls the image_generation tool (default: ${DEFAULT_MODEL}),
                           or with --api images the image model (default: ${DEFAULT_IMAGE_MODEL})
  -n, --images <1-4>       How many images to ask for (default: 1; with --api images, one stream each)
      --api <name>         responses (default): POST /v1/responses with the image_generation tool;
                           images: the Images API, POST /v1/images/generations
      --edit <file>        Edit this image (PNG, JPEG or WebP) with the Images API: POST /v1/images/edits
      --partials <0-3>     Partial previews per image, the tool's partial_images (default: 2)
  -o, --out <dir>          Output folder (default: ./output)
      --base-url <url>     Call this Responses-compatible server instead (key: OPENAI_API_KEY, or none)
      --scenario <json>    Built-in server only: a scenario of startMockResponsesServer, e.g. '{"status":500}'
  -h, --help               Show this help

Ctrl-C cancels: the request is aborted and no half-written image is left behind.`;

/**
 * Parses the demo's arguments.
 *
 * @param argv The arguments after the script name.
 * @param env The environment (`OPENAI_API_KEY`, and `INIT_CWD`, the folder `npm run` was started in).
 * @param cwd The process's working folder, when `INIT_CWD` is not set.
 * @return The options, or `'help'` when `--help` was asked for.
 * @throws UsageError for an unknown option or a value out of range.
 */
export function parseDemoArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
): DemoOptions | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see --help)`);
  }
  if (values.help) return 'help';

  const images = integer(values.images, 'images', 1, 4, 1);
  const partials = integer(values.partials, 'partials', 0, 3, 2) as 0 | 1 | 2 | 3;
  const apiKey = env.OPENAI_API_KEY?.trim() || null;
  const baseURL = values['base-url'] ?? (apiKey ? 'https://api.openai.com/v1' : null);
  if (baseURL !== null && !/^https?:\/\//.test(baseURL))
    throw new UsageError(`--base-url must be an http(s) URL, got "${baseURL}".`);
  let scenario: Record<string, unknown> | null = null;
  if (values.scenario !== undefined) {
    if (baseURL !== null)
      throw new UsageError(
        '--scenario applies to the built-in server only (no OPENAI_API_KEY, no --base-url).',
      );
    try {
      scenario = JSON.parse(values.scenario) as Record<string, unknown>;
    } catch {
      throw new UsageError('--scenario must be JSON, e.g. \'{"status":500}\'.');
    }
    if (typeof scenario !== 'object' || scenario === null || Array.isArray(scenario))
      throw new UsageError('--scenario must be a JSON object.');
  }
  const base = env.INIT_CWD && isAbsolute(env.INIT_CWD) ? env.INIT_CWD : cwd;
  const edit = values.edit === undefined ? null : resolve(base, values.edit);
  const api = values.api ?? (edit ? 'images' : 'responses');
  if (api !== 'responses' && api !== 'images')
    throw new UsageError(`--api must be responses or images, got "${api}".`);
  if (edit && api !== 'images')
    throw new UsageError('--edit uses the Images API: leave out --api, or give --api images.');
  const prompt = values.prompt?.trim() || (edit ? DEFAULT_EDIT_PROMPT : DEFAULT_PROMPT);
  return {
    prompt,
    model: values.model?.trim() || (api === 'images' ? DEFAULT_IMAGE_MODEL : DEFAULT_MODEL),
    images,
    partials,
    outDir: resolve(base, values.out ?? 'output'),
    cwd: base,
    baseURL,
    apiKey,
    scenario,
    api,
    edit,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      prompt: { type: 'string', short: 'p' },
      model: { type: 'string', short: 'm' },
      images: { type: 'string', short: 'n' },
      partials: { type: 'string' },
      out: { type: 'string', short: 'o' },
      'base-url': { type: 'string' },
      scenario: { type: 'string' },
      api: { type: 'string' },
      edit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function integer(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}".`);
  return n;
}
