// Shared by the relay's tests.
import type { ResponseStreamEvent } from '../../src/index';
import { DEFAULT_RESPONSE_FIELDS } from '../../src/server/index';

/** An event as the relay sends it by default: its `Response`, if any, cut down to `fields`. */
export function relayed<T extends ResponseStreamEvent>(
  event: T,
  fields: readonly string[] = DEFAULT_RESPONSE_FIELDS,
): T {
  const response = (event as { response?: Record<string, unknown> }).response;
  if (!response) return event;
  return {
    ...event,
    response: Object.fromEntries(Object.entries(response).filter(([key]) => fields.includes(key))),
  };
}

/** The `data` of every `event: error` frame of an SSE text. */
export function errorFrames(text: string): Array<Record<string, unknown>> {
  return [...text.matchAll(/^event: error\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
}

/** The `data` of every frame of an SSE text, parsed. */
export function frameData(text: string): Array<Record<string, unknown>> {
  return [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
}
