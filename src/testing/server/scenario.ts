// What the local server serves for a request: the response's events (content) and how they are delivered (faults).
import type { Response, ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { ImageBackground, ImageQuality, ImagesApiStreamEvent } from '../../types';
import { createEventFactory } from '../events';
import {
  blockImage,
  type ImagesApiKind,
  imagesApiScenario,
  moderationCategoriesOr,
  moderationMessage,
} from '../imageApiEvents';
import {
  clampPartials,
  type ImageEventOrder,
  imageGenerationScenario,
  type ScenarioImage,
} from '../scenarios';
import { MAX_IMAGE_SIDE, type MockImageSize, previewBlock, REALISTIC_IMAGE, SMALL_IMAGE } from './images';

/** The body of an API error response: `{ error: { message, type, param, code } }`. */
export interface MockApiError {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/**
 * What the local server serves for one request. Every field is optional; the server's options give the
 * defaults and a request can override them (see {@link startMockResponsesServer}).
 *
 * Content fields decide the response's events when it is created (`POST /v1/responses`) and are stored with it;
 * delivery fields (`status`, `errorEvent`, `cut`, `malformed`, `delayMs`, `stallAfterEvents`) apply to each
 * request on its own, so a `GET` replay of a stored response can be cut, slowed or refused independently.
 */
export interface MockScenario {
  // Content
  /** How many images (default 1; 0 for a text-only response). */
  images?: number;
  /** Partial previews per image, 0 to 3 as the API allows (default 2). */
  partials?: 0 | 1 | 2 | 3;
  /** Image size: `'small'` (256x256, the default), `'realistic'` (1024x1024, ~1.5 MB base64) or explicit. */
  imageSize?: 'small' | 'realistic' | Partial<MockImageSize>;
  /** Send the images' events round-robin rather than one image after the other (default false). */
  interleave?: boolean;
  /** The order of each image's final events (default `completed-first`, the API's). */
  order?: ImageEventOrder;
  /** A text message before the images; none by default. */
  text?: string;
  /** Without `text`: a generated text of this many words, one `output_text.delta` each. */
  textDeltas?: number;
  /** The seed of the images and ids (default: the server's seed). The same seed serves the same bytes. */
  seed?: number;
  /** End with `response.failed` (with this code and message) after this many events, instead of completing. */
  failed?: { afterEvents?: number; code?: string; message?: string };
  /** End with `response.incomplete` after this many events, instead of completing. */
  incomplete?: { afterEvents?: number; reason?: 'max_output_tokens' | 'content_filter' };
  /** Serve exactly these events instead of generating them (the other content fields are ignored). */
  events?: readonly ResponseStreamEvent[];
  /**
   * A moderation block, as the API reports one. `input` (the prompt refused): the request is answered with
   * HTTP 400, `code: 'moderation_blocked'`, the categories in the message's `safety_violations=[...]`.
   * `output` (the generated image blocked): an Images API stream ends with an `error` event
   * (`moderation_blocked`, its `moderation_details`) after its previews; a Responses API response's first
   * image call ends `failed` with that error. Default stage `output`, categories `['violence']`.
   */
  moderation?: { stage?: 'input' | 'output'; categories?: string[] };

  // Delivery
  /** Answer with this HTTP status and the API's error body instead of a response (e.g. 400, 429, 500). */
  status?: number;
  /** The error body's fields for `status` (defaults depend on the status). */
  error?: Partial<MockApiError>;
  /** The `Retry-After` header (seconds) sent with `status`. */
  retryAfter?: number;
  /** Send an `error` event after this many events, then end the stream. */
  errorEvent?: { afterEvents?: number; code?: string; message?: string };
  /**
   * Cut the connection: after `afterEvents` whole events (half of the next frame too with `midFrame`), or
   * after exactly `afterBytes` bytes of the body. `mode: 'destroy'` (default) resets the socket mid-body;
   * `'end'` ends the body cleanly, so the client sees a stream that stops without a terminal event.
   */
  cut?: { afterEvents?: number; afterBytes?: number; midFrame?: boolean; mode?: 'destroy' | 'end' };
  /** Send event number `atEvent` (0-based, in this request) as a frame whose `data` is not valid JSON. */
  malformed?: { atEvent: number };
  /** Wait this long before each event (a slow drip). */
  delayMs?: number;
  /** After this many events, send nothing more and keep the connection open (until the client leaves). */
  stallAfterEvents?: number;
}

/** A response the server created: its events and the images they carry. */
export interface MockStoredResponse {
  readonly id: string;
  /** Whether it was created with `background: true` (only those can be streamed again). */
  readonly background: boolean;
  /** Every event of the response, `sequence_number` 0 to n - 1. */
  readonly events: readonly ResponseStreamEvent[];
  /** The images, with their final bytes and previews, in output order. */
  readonly images: readonly ScenarioImage[];
  /** The response as its terminal event carries it. */
  readonly response: Response;
}

/** More than any test needs, few enough that one request cannot exhaust memory. */
const MAX_IMAGES = 64;
const MAX_TEXT_DELTAS = 1_000_000;

/** The concrete size of a scenario's images. */
export function imageSizeOf(scenario: MockScenario): MockImageSize {
  const size = scenario.imageSize;
  if (size === 'realistic') return REALISTIC_IMAGE;
  if (size === undefined || size === 'small') return SMALL_IMAGE;
  const side = (value: number | undefined, fallback: number) =>
    Math.max(1, Math.min(MAX_IMAGE_SIDE, Math.floor(value ?? fallback)));
  return {
    width: side(size.width, SMALL_IMAGE.width),
    height: side(size.height, SMALL_IMAGE.height),
    noise: size.noise ?? SMALL_IMAGE.noise,
  };
}

/**
 * Builds the events of a new response for a request body and a scenario: the images are drawn for the seed,
 * the responses carry the request's model, tools, metadata and `background`.
 */
export function buildResponse(
  id: string,
  body: Record<string, unknown>,
  scenario: MockScenario,
  draw: (seed: number, imageIndex: number, size: MockImageSize, block: number) => string,
): MockStoredResponse {
  const background = body.background === true;
  const fields: Partial<Response> = {
    id,
    background,
    ...(typeof body.model === 'string' ? { model: body.model } : {}),
    ...(Array.isArray(body.tools) ? { tools: body.tools as Response['tools'] } : {}),
    ...(isRecord(body.metadata) ? { metadata: body.metadata as Response['metadata'] } : {}),
    ...(typeof body.instructions === 'string' ? { instructions: body.instructions } : {}),
  };
  if (scenario.events) {
    const events = scenario.events.map((event) => withResponseFields(event, fields));
    return { id, background, events, images: [], response: terminalResponse(events, id) };
  }

  const seed = scenario.seed ?? 1;
  const size = imageSizeOf(scenario);
  const count = Math.max(0, Math.min(MAX_IMAGES, Math.floor(scenario.images ?? 1)));
  const blocked = scenario.moderation && scenario.moderation.stage !== 'input' && count > 0;
  const partials = clampPartials(scenario.partials);
  const text =
    scenario.text ??
    (scenario.textDeltas ? wordsOf(Math.min(MAX_TEXT_DELTAS, scenario.textDeltas)) : undefined);
  const generated = imageGenerationScenario({
    images: Array.from({ length: count }, (_, i) => draw(seed, i, size, 1)),
    partials,
    previews: (i, p) => draw(seed, i, size, previewBlock(p, partials, size)),
    ...(scenario.interleave !== undefined ? { interleave: scenario.interleave } : {}),
    ...(scenario.order !== undefined ? { order: scenario.order } : {}),
    ...(text !== undefined ? { text } : {}),
    responseId: id,
  });

  let events = generated.events;
  if (blocked) {
    events = blockImage(
      events,
      generated.images[0]!.itemId,
      moderationCategoriesOr(scenario.moderation?.categories),
    );
  }
  const ending = scenario.failed ?? scenario.incomplete;
  if (ending) {
    const kept = clampCount(ending.afterEvents, events.length - 1, Math.floor(events.length / 2));
    const e = createEventFactory({ responseId: id, startSequenceNumber: kept });
    const last = scenario.failed
      ? e.failed({
          error: {
            code: (scenario.failed.code ?? 'server_error') as 'server_error',
            message: scenario.failed.message ?? 'The model failed to generate a response.',
          },
        })
      : e.incomplete(scenario.incomplete?.reason ?? 'max_output_tokens');
    events = [...events.slice(0, kept), last];
  }
  events = events.map((event) => withResponseFields(event, fields));
  const images = blocked ? generated.images.slice(1) : generated.images;
  return { id, background, events, images, response: terminalResponse(events, id) };
}

/** What the local server streams for one Images API request: its events and the image they carry. */
export interface MockImagesApiStream {
  readonly events: readonly ImagesApiStreamEvent[];
  /** The image (its id as the operators derive it, its final bytes and previews); none when blocked. */
  readonly image: ScenarioImage | null;
}

const QUALITIES: readonly string[] = ['low', 'medium', 'high', 'xhigh', 'max'];
const BACKGROUNDS: readonly string[] = ['transparent', 'opaque'];

/**
 * Builds the events of an Images API stream for a request body (JSON for a generation, the form's fields for
 * an edit) and a scenario: the previews and the final image drawn for the seed (always PNGs: the events say
 * `png` whatever `output_format` asked), the request's `quality` and `background` echoed (else `medium`,
 * `opaque`), the drawn size, a `usage`, and `created_at` = `createdAt`.
 */
export function buildImagesApiStream(
  kind: ImagesApiKind,
  body: Record<string, unknown>,
  scenario: MockScenario,
  draw: (seed: number, imageIndex: number, size: MockImageSize, block: number) => string,
  createdAt: number,
): MockImagesApiStream {
  const seed = scenario.seed ?? 1;
  const size = imageSizeOf(scenario);
  const asked = Number(body.partial_images ?? scenario.partials ?? 0);
  const partials = clampPartials(Number.isFinite(asked) ? asked : 0);
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  const textTokens = Math.max(1, Math.ceil(prompt.length / 4));
  const inputImages = kind === 'edit' ? 1 : 0;
  const blocked = scenario.moderation && scenario.moderation.stage !== 'input';
  const { events, image } = imagesApiScenario({
    kind,
    partials,
    image: draw(seed, 0, size, 1),
    previews: (p) => draw(seed, 0, size, previewBlock(p, partials, size)),
    createdAt,
    size: `${size.width}x${size.height}`,
    quality: (QUALITIES.includes(body.quality as string) ? body.quality : 'medium') as ImageQuality,
    background: (BACKGROUNDS.includes(body.background as string)
      ? body.background
      : 'opaque') as ImageBackground,
    ...(blocked
      ? {
          end: 'moderation' as const,
          moderationCategories: moderationCategoriesOr(scenario.moderation?.categories),
        }
      : {}),
  });
  const usage = {
    input_tokens: textTokens + 323 * inputImages,
    input_tokens_details: { image_tokens: 323 * inputImages, text_tokens: textTokens },
    output_tokens: 272 + 80 * partials,
    total_tokens: textTokens + 323 * inputImages + 272 + 80 * partials,
  };
  const withUsage = events.map((event) =>
    event.type.endsWith('.completed') ? ({ ...event, usage } as ImagesApiStreamEvent) : event,
  );
  return { events: withUsage, image: blocked ? null : image };
}

/** The HTTP 400 error body of a request refused by moderation (`moderation.stage: 'input'`). */
export function moderationRefusal(scenario: MockScenario): Partial<MockApiError> {
  return {
    message: moderationMessage(moderationCategoriesOr(scenario.moderation?.categories)),
    type: 'image_generation_user_error',
    param: null,
    code: 'moderation_blocked',
  };
}

/** The error body the API sends for an HTTP status. */
export function apiErrorFor(status: number, overrides: Partial<MockApiError> = {}): MockApiError {
  const defaults: Record<number, MockApiError> = {
    400: { message: 'Invalid request.', type: 'invalid_request_error', param: null, code: null },
    401: {
      message: 'Incorrect API key provided.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    },
    403: {
      message: 'You are not allowed to sample from this model.',
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
    404: { message: 'Not found.', type: 'invalid_request_error', param: null, code: null },
    429: {
      message: 'Rate limit reached for requests. Please try again later.',
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    },
  };
  const base = defaults[status] ?? {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    param: null,
    code: status >= 500 ? 'server_error' : null,
  };
  return { ...base, ...overrides };
}

/** Where `n` whole events stop: within 0..max, `fallback` when not given. */
export function clampCount(n: number | undefined, max: number, fallback: number): number {
  if (n === undefined || !Number.isFinite(n)) return Math.max(0, Math.min(max, fallback));
  return Math.max(0, Math.min(max, Math.floor(n)));
}

function withResponseFields(event: ResponseStreamEvent, fields: Partial<Response>): ResponseStreamEvent {
  const response = (event as { response?: Response }).response;
  if (!isRecord(response)) return event;
  return { ...event, response: { ...response, ...fields } } as ResponseStreamEvent;
}

function terminalResponse(events: readonly ResponseStreamEvent[], id: string): Response {
  for (let i = events.length - 1; i >= 0; i--) {
    const response = (events[i] as { response?: Response }).response;
    if (isRecord(response)) return response;
  }
  return createEventFactory({ responseId: id }).response();
}

const WORDS = [
  'the',
  'lighthouse',
  'stands',
  'above',
  'a',
  'quiet',
  'harbour',
  'at',
  'dawn',
  'with',
  'gulls',
  'and',
  'boats',
];

function wordsOf(count: number): string {
  return Array.from({ length: count }, (_, i) => WORDS[i % WORDS.length]).join(' ');
}

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
