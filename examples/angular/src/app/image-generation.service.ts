import { Injectable, InjectionToken, inject } from '@angular/core';
import type { Observable } from 'rxjs';
import { fromServerSentEvents, type ImageState, type ImageStreamEvent, imageStates } from 'rxjs-openai';

/** What the browser sends to the relay's `POST /api/generate`. */
export interface GenerateRequest {
  readonly prompt: string;
  /** Progressive previews per image, 0 to 3 (the relay's default is 2). */
  readonly partialImages?: number;
  /** A scripted scenario of the relay's local server (`slow`, `error`, ...); ignored with a real API key. */
  readonly scenario?: string;
  /** Which API generates: the Responses API's image tool (the default), or the Images API. */
  readonly api?: 'responses' | 'images';
}

/** The `fetch` the default event source uses (a fake in tests). */
export const FETCH = new InjectionToken<typeof fetch>('FETCH', {
  providedIn: 'root',
  factory: () => globalThis.fetch.bind(globalThis),
});

/**
 * Where the service gets a response's events: by default the relay, over server-sent events. A dropped
 * connection resumes from the relay's last cursor (any relay instance will do), and unsubscribing (Cancel, a new
 * prompt, the component destroyed) asks the relay to cancel the generation.
 */
export const IMAGE_EVENTS = new InjectionToken<(request: GenerateRequest) => Observable<ImageStreamEvent>>(
  'IMAGE_EVENTS',
  {
    providedIn: 'root',
    factory: () => {
      const fetch = inject(FETCH);
      return (request) =>
        fromServerSentEvents<ImageStreamEvent>(
          (signal, cursor) =>
            fetch('/api/generate', {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...(cursor ? { 'last-event-id': cursor } : {}) },
              body: JSON.stringify(request),
              signal,
            }),
          {
            resume: { retries: 5 },
            cancel: (cursor) =>
              fetch('/api/cancel', { method: 'POST', headers: { 'last-event-id': cursor }, keepalive: true }),
          },
        );
    },
  },
);

@Injectable({ providedIn: 'root' })
export class ImageGenerationService {
  private readonly events = inject(IMAGE_EVENTS);

  /** Streams one generation: the state of every image, each time one changes. Unsubscribe to cancel. */
  generate(prompt: string, options: Omit<GenerateRequest, 'prompt'> = {}): Observable<readonly ImageState[]> {
    return this.events({ prompt, ...options }).pipe(imageStates<ImageStreamEvent>());
  }
}
