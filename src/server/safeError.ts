import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai/core/error';
import {
  ImageGenerationError,
  MissingImageError,
  RelayHttpError,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  RxOpenAIError,
  SequenceGapError,
  StreamIdleError,
  TruncatedStreamError,
} from '../errors';
import { RequestBodyError } from './readJsonBody';

/** What the browser may learn about a failure: a stable code and a message with no secrets in it. */
export interface SafeError {
  /** A short machine-readable code, e.g. `rate_limited`, `upstream_auth`, `internal_error`. */
  readonly code: string;
  /** A message fit to show a user: never headers, keys, organization ids or stack traces. */
  readonly message: string;
}

const MAX_MESSAGE_CHARS = 500;

/** The answer for anything we do not recognize: nothing about it is shown. */
export const GENERIC_SAFE_ERROR: SafeError = {
  code: 'internal_error',
  message: 'The server could not complete the response.',
};

/**
 * Maps an error to what a relay may tell the browser: this library's typed errors and the SDK's `APIError`
 * become a code and a message (with anything that looks like a secret masked, see {@link redact}); anything
 * else becomes {@link GENERIC_SAFE_ERROR}. Upstream authentication failures, rate limits and server errors get
 * fixed messages, because the API's own text for them names the key or organization; so does a
 * `RelayHttpError` (a relay in front of this one failed): its status only, never its body, which can hold a
 * stack trace. A `RequestBodyError` keeps its own code and message.
 *
 * @example
 * ```ts
 * import { toSafeError } from 'rxjs-openai/server';
 * app.use((err, req, res, next) => res.status(500).json(toSafeError(err)));
 * ```
 *
 * @param error Anything thrown or emitted as an error.
 * @return A code and a message safe to send to a browser.
 */
export function toSafeError(error: unknown): SafeError {
  if (error instanceof APIError) return fromApiError(error);
  if (error instanceof ResponseStreamError) {
    return safe(error.code ?? 'stream_error', rawStreamErrorMessage(error) ?? 'The response stream failed.');
  }
  if (error instanceof ResponseFailedError) {
    return safe(error.code ?? 'response_failed', error.response.error?.message ?? 'The response failed.');
  }
  if (error instanceof ResponseIncompleteError) {
    return safe(
      'response_incomplete',
      `The response is incomplete${error.reason ? ` (${error.reason})` : ''}.`,
    );
  }
  if (error instanceof ImageGenerationError)
    return safe(error.code ?? 'image_generation_failed', error.message);
  if (error instanceof TruncatedStreamError) {
    return safe('stream_truncated', 'The upstream response stream ended before the response was complete.');
  }
  if (error instanceof StreamIdleError) {
    return safe('stream_idle', `The upstream response stream was silent for ${error.idleMs} ms.`);
  }
  if (error instanceof RelayHttpError) {
    return fromStatus(error.status, null, `The upstream relay answered HTTP ${error.status}.`);
  }
  if (error instanceof RequestBodyError) return safe(error.code, error.message);
  if (error instanceof SequenceGapError) return safe('sequence_gap', error.message);
  if (error instanceof MissingImageError) return safe('missing_image', error.message);
  if (error instanceof RxOpenAIError) return safe('error', error.message);
  return GENERIC_SAFE_ERROR;
}

function fromApiError(error: APIError): SafeError {
  if (error instanceof APIUserAbortError) return safe('aborted', 'The request was aborted.');
  if (error instanceof APIConnectionTimeoutError) return safe('timeout', 'The API did not answer in time.');
  if (error instanceof APIConnectionError)
    return safe('connection_error', 'The server could not reach the API.');
  const status = error.status;
  const body = error.error as { message?: unknown } | undefined;
  const apiMessage = typeof body?.message === 'string' ? body.message : null;
  if (status === undefined) {
    // An `error` event inside the stream (the SDK throws it as an APIError without a status).
    return safe(error.code ?? 'stream_error', apiMessage ?? 'The response stream failed.');
  }
  return fromStatus(status, error.code ?? null, apiMessage);
}

/** An upstream HTTP failure: fixed texts, except for another 4xx, whose `message` (masked) is kept. */
function fromStatus(status: number, code: string | null, apiMessage: string | null): SafeError {
  if (status === 401 || status === 403) {
    return safe('upstream_auth', 'The server is not authorized to call the API.');
  }
  if (status === 429) return safe('rate_limited', 'Too many requests right now; try again later.');
  if (status >= 500) return safe('upstream_error', 'The API had a problem; try again.');
  if (status >= 200 && status < 300) {
    return safe('upstream_not_event_stream', 'The upstream answer was not an event stream.');
  }
  return safe(code ?? `http_${status}`, apiMessage ?? `The API refused the request (HTTP ${status}).`);
}

function rawStreamErrorMessage(error: ResponseStreamError): string | null {
  const event = error.event as { message?: unknown; error?: { message?: unknown } };
  const message = event.error && typeof event.error === 'object' ? event.error.message : event.message;
  return typeof message === 'string' ? message : null;
}

function safe(code: string, message: string): SafeError {
  return { code: redact(String(code)).slice(0, 100), message: redact(message).slice(0, MAX_MESSAGE_CHARS) };
}

/** Query parameters (and `name=value` pairs) whose value is a secret. */
const SECRET_PARAMETER =
  /\b(api[-_]?key|access[-_]?token|refresh[-_]?token|id[-_]token|client[-_]secret|token|key|sig|signature|secret|password)=[^&\s"'<>#,;()]+/gi;
/** A header that carries a key, echoed as `name: value`, `name=value` or `"name": "value"`. */
const SECRET_HEADER =
  /\b(x-api-key|api-key|ocp-apim-subscription-key|x-goog-api-key|authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(?!\*\*\*)(?:(?:Bearer|Basic)\s+)?[^\s"',;}()&<>#]+/gi;

/**
 * Masks what looks like a secret in a message: OpenAI-style keys (`sk-`, `rk-`, `sess-`...), bearer and
 * `Basic` credentials, `user:password@` in URLs, secret query parameters (`key=`, `api-key=`, `api_key=`,
 * `token=`, `access_token=`, `sig=`...), key headers echoed in a message (`x-api-key: ...`), Azure-style
 * 32-hex-digit keys, JSON web tokens, and organization/project ids.
 *
 * @example
 * ```ts
 * redact('GET https://x.openai.azure.com/?api-key=0123456789abcdef0123456789abcdef failed');
 * // 'GET https://x.openai.azure.com/?api-key=*** failed'
 * ```
 *
 * @param text Any text that may reach a browser.
 * @return The text with every secret-looking part replaced by `***`.
 */
export function redact(text: string): string {
  return text
    .replace(SECRET_HEADER, '$1$2***')
    .replace(/\b(Bearer|Basic)\s+(?!\*\*\*)[^\s"',;]+/gi, '$1 ***')
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@:]+:[^\s/?#@]+@/gi, '$1***@')
    .replace(SECRET_PARAMETER, '$1=***')
    .replace(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '***')
    .replace(/\b(sk|rk|pk|sess)-[A-Za-z0-9_*-]{3,}(?:\.[A-Za-z0-9_*-]+)*/g, '$1-***')
    .replace(/\b(org|proj)[-_][A-Za-z0-9]{4,}/g, '$1-***')
    .replace(/\b[0-9a-f]{32}\b/gi, '***');
}
