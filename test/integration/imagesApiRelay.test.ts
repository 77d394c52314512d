// An Images API stream through the relay and back: `toServerSentEvents` relays its events (its completed event
// ends it, as a response's terminal event does), and `fromServerSentEvents` reads them, so the image operators
// give the browser the same previews and the same final image, byte for byte.
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  fromServerSentEvents,
  type ImageStreamEvent,
  partialAndFinalImages,
  TruncatedStreamError,
} from '../../src/index';
import { serverSentEventsResponse } from '../../src/server/index';
import { imagesApiScenario } from '../../src/testing/index';

const relayed = (events: readonly ImageStreamEvent[]) =>
  fromServerSentEvents<ImageStreamEvent>(async () => serverSentEventsResponse(from(events)));

describe('the Images API through the relay', () => {
  it('previews, then the final image, byte-identical to what was served', async () => {
    const { events, image } = imagesApiScenario({ partials: 2 });
    const direct = await lastValueFrom(from(events).pipe(partialAndFinalImages(), toArray()));
    const out = await lastValueFrom(relayed(events).pipe(partialAndFinalImages(), toArray()));
    expect(out.map((v) => v.b64)).toEqual([...image.partials, image.b64]);
    expect(out).toEqual(direct);
  });

  it('a relayed Images API stream cut before its completed event is TruncatedStreamError in the browser', async () => {
    const { events } = imagesApiScenario({ partials: 2 });
    const error = await lastValueFrom(relayed(events.slice(0, -1)).pipe(toArray())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TruncatedStreamError);
  });
});
