import { fromServerSentEvents, imageStates, objectUrls } from 'rxjs-openai';

// One request per subscription; a dropped connection resumes from the last cursor, on any relay instance.
export const generate = (prompt: string) =>
  fromServerSentEvents(
    (signal, cursor) =>
      fetch('/api/images', {
        method: 'POST',
        headers: cursor ? { 'last-event-id': cursor } : {},
        body: JSON.stringify({ prompt }),
        signal,
      }),
    {
      resume: { retries: 5 },
      // Unsubscribing (Cancel, switchMap to a new prompt, a destroyed component) stops the work on the server.
      cancel: (cursor) =>
        fetch('/api/cancel', { method: 'POST', headers: { 'last-event-id': cursor }, keepalive: true }),
    },
  ).pipe(imageStates(), objectUrls());

// generate('a lighthouse').subscribe((images) => images.forEach((image) => show(image.itemId, image.url)));
