import {
  ImageGenerationError,
  type ImageState,
  RelayHttpError,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  ResumeFailedError,
  ResumeNotPossibleError,
  TruncatedStreamError,
} from 'rxjs-openai';

/** An error of a generation, in plain words for the page. */
export function describeError(error: unknown): string {
  if (error instanceof ResponseStreamError) return `The generation failed: ${streamMessage(error)}`;
  if (error instanceof ResponseFailedError) {
    return `The generation failed: ${error.response.error?.message ?? 'no reason given.'}`;
  }
  if (error instanceof ResponseIncompleteError) {
    return `The generation stopped early${error.reason ? ` (${error.reason.replaceAll('_', ' ')})` : ''}.`;
  }
  if (error instanceof ImageGenerationError)
    return `The image could not be made${error.code ? ` (${error.code})` : ''}.`;
  if (error instanceof TruncatedStreamError || error instanceof ResumeNotPossibleError)
    return 'The connection to the server was lost before the image was finished.';
  if (error instanceof ResumeFailedError)
    return 'The connection to the server was lost, and could not be resumed. Try again.';
  if (error instanceof RelayHttpError) return `The server refused the request: ${httpMessage(error)}`;
  if (error instanceof TypeError) return 'The server could not be reached.';
  return 'Something went wrong.';
}

/** The message of an `error` event (flat or nested), as the relay sent it. */
function streamMessage(error: ResponseStreamError): string {
  const event = error.event as { message?: unknown; error?: { message?: unknown } };
  const message = event.error?.message ?? event.message;
  return typeof message === 'string' && message ? message : 'no reason given.';
}

/** The relay's JSON error message (`{ code, message }`, or the API's `{ error: { message } }`), else the status. */
function httpMessage(error: RelayHttpError): string {
  try {
    const body = JSON.parse(error.body) as { message?: unknown; error?: { message?: unknown } } | null;
    const message = body?.message ?? body?.error?.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // Not JSON: fall through to the status.
  }
  return `HTTP ${error.status}${error.statusText ? ` ${error.statusText}` : ''}.`;
}

/** One image's progress in words, e.g. `image 1: partial 2 of 3`. */
export function describeProgress(image: ImageState, index: number, partialImages: number): string {
  const name = `image ${index + 1}`;
  switch (image.status) {
    case 'in_progress':
      return `${name}: queued`;
    case 'generating':
      return `${name}: generating`;
    case 'partial':
      return `${name}: partial ${image.partials} of ${Math.max(partialImages, image.partials)}`;
    case 'completed':
      return `${name}: done`;
    case 'failed':
      return `${name}: failed${image.error instanceof ImageGenerationError && image.error.code ? ` (${image.error.code.replaceAll('_', ' ')})` : ''}`;
  }
}
