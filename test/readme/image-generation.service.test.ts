import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { eventMarbles, fakeResponsesClient, imageGenerationEvents } from 'rxjs-openai/testing';
import { expect, it } from 'vitest';
import { ImageGenerationService } from './image-generation.service';

it('shows the progress, the previews, then the final image', () => {
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
    ({ cold, expectObservable }) => {
      // created, in_progress, item added, generating..., 2 previews, completed, item done (bytes), response completed
      const { marbles, values } = eventMarbles(imageGenerationEvents({ partials: 2 }));
      const client = fakeResponsesClient(cold(marbles, values));
      const service = new ImageGenerationService(client);

      const progress$ = service
        .generate('a red fox')
        .pipe(map((images) => images.map((image) => `${image.status}:${image.partials}`).join()));

      expectObservable(progress$).toBe('--a-bcd-e-|', {
        a: 'in_progress:0',
        b: 'generating:0',
        c: 'partial:1',
        d: 'partial:2',
        e: 'completed:2',
      });
    },
  );
});
