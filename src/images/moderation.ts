import type { ImageModerationDetails } from '../errors';

/** An image request blocked by moderation, whichever API and whichever way it was reported. */
export interface ImageModerationBlock {
  /** The API's message (it lists the `safety_violations`). */
  readonly message: string;
  /** The moderation categories, from `moderation_details`, else from the message's `safety_violations=[...]`. */
  readonly categories: readonly string[];
  /** `input` (the prompt or input images), `output` (the generated image), or `unknown` when not said. */
  readonly stage: ImageModerationDetails['moderation_stage'];
}

/**
 * Whether an error of an image stream is a moderation block (`code: 'moderation_blocked'`), and its details,
 * however it came: an `ImageGenerationError` (a Responses API image call that failed), the SDK's `APIError`
 * (an HTTP 400 for a refused prompt, or an `error` event of an Images API stream, which the SDK throws), or a
 * `ResponseStreamError` (an `error` event, flat or nested). A UI can tell "change the prompt" from "try
 * again" with one call, for both APIs.
 *
 * ```
 * ImageGenerationError(moderation_blocked)  → { categories, stage }   (the item's moderation_details)
 * BadRequestError(400, moderation_blocked) → { categories, stage }   (the body's details, or the message)
 * TruncatedStreamError                     → null
 * ```
 *
 * @example
 * ```ts
 * import { imageModerationOf } from 'rxjs-openai';
 *
 * images$.subscribe({
 *   error: (error) => {
 *     const blocked = imageModerationOf(error);
 *     show(blocked ? `Blocked (${blocked.categories.join(', ')}): try another prompt.` : 'Something went wrong.');
 *   },
 * });
 * ```
 *
 * @param error Any error an image stream ended with.
 * @return The block's message, categories and stage, or `null` when the error is not a moderation block.
 */
export function imageModerationOf(error: unknown): ImageModerationBlock | null {
  if (!(error instanceof Error)) return null;
  const fields = error as { code?: unknown; moderationDetails?: unknown; error?: unknown; event?: unknown };
  const event = record(fields.event);
  const nested = record(event?.error) ?? event;
  const body = record(fields.error) ?? nested;
  if (fields.code !== 'moderation_blocked' && body?.code !== 'moderation_blocked') return null;
  const details = record(fields.moderationDetails) ?? record(body?.moderation_details);
  const message = typeof body?.message === 'string' ? body.message : error.message;
  const categories = Array.isArray(details?.categories)
    ? details.categories.filter((c): c is string => typeof c === 'string')
    : categoriesIn(message);
  const stage = details?.moderation_stage;
  return {
    message,
    categories,
    stage: stage === 'input' || stage === 'output' ? stage : 'unknown',
  };
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** The categories a message lists as `safety_violations=[violence, sexual]`, or none. */
function categoriesIn(message: string): string[] {
  const list = /safety_violations=\[([^\]]*)\]/.exec(message)?.[1];
  return list
    ? list
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== '')
    : [];
}
