import { fromServerSentEvents, imageStates, objectUrls } from 'rxjs-openai';

// One request per subscription; unsubscribing aborts it, and the relay's request to the API with it.
export const generate = (prompt: string) =>
  fromServerSentEvents((signal) =>
    fetch('/api/images', { method: 'POST', body: JSON.stringify({ prompt }), signal }),
  ).pipe(imageStates(), objectUrls());

// generate('a lighthouse').subscribe((images) => images.forEach((image) => show(image.itemId, image.url)));
