import type OpenAI from 'openai';
import type {
  ImageEditCompletedEvent,
  ImageGenCompletedEvent,
  ImageGenStreamEvent,
} from 'openai/resources/images';
import type { ResponseImageGenCallCompletedEvent } from 'openai/resources/responses/responses';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AnyFinalImage,
  type AnyPartialImage,
  type FinalImage,
  type ImageEditClient,
  type ImageEditStreamEvent,
  type ImageGenerationClient,
  type ImageOutputFormat,
  type ImageState,
  type ImageStreamEvent,
  type ImagesApiFinalImage,
  type ImagesApiPartialImage,
  type ImagesApiStreamEvent,
  type ImagesClient,
  imageStates,
  nextImageTurn,
  objectUrls,
  type PartialImage,
  partialAndFinalImages,
  partialImages,
  type ResponseStreamEvent,
  type ResponsesFinalImage,
  type ResponsesPartialImage,
  streamImageEdit,
  streamImageGeneration,
  withFinalImage,
} from '../../src/index';
import { fakeImagesClient } from '../../src/testing/index';

declare const responses$: Observable<ResponseStreamEvent>;
declare const images$: Observable<ImageGenStreamEvent | ImageEditStreamEvent>;
declare const either$: Observable<ImageStreamEvent>;
declare const client: OpenAI;
declare const final: AnyFinalImage;
declare const state: ImageState;

describe('Images API clients', () => {
  it('are satisfied by the real OpenAI client and by the fake', () => {
    expectTypeOf<OpenAI>().toMatchTypeOf<ImagesClient>();
    expectTypeOf<OpenAI>().toMatchTypeOf<ImageGenerationClient>();
    expectTypeOf<OpenAI>().toMatchTypeOf<ImageEditClient>();
    expectTypeOf(fakeImagesClient([])).toMatchTypeOf<ImagesClient>();
  });

  it('are not satisfied by a client without the method the source calls', () => {
    expectTypeOf<{ images: { edit(): void } }>().not.toMatchTypeOf<ImageGenerationClient>();
    expectTypeOf<{ responses: { create(): void } }>().not.toMatchTypeOf<ImageEditClient>();
  });
});

describe('the Images API sources', () => {
  it('emit the SDK’s event unions', () => {
    expectTypeOf(streamImageGeneration(client, { prompt: 'a fox', model: 'gpt-image-1.5' })).toEqualTypeOf<
      Observable<ImageGenStreamEvent>
    >();
    const image = new File([new Uint8Array(8)], 'in.png', { type: 'image/png' });
    expectTypeOf(streamImageEdit(client, { prompt: 'a hat', image, mask: image })).toEqualTypeOf<
      Observable<ImageEditStreamEvent>
    >();
    streamImageEdit(client, { prompt: 'two', image: [image, new Blob([])] });
  });

  it('take only their endpoint’s params', () => {
    // @ts-expect-error: an edit needs its input image
    streamImageEdit(client, { prompt: 'a hat' });
    // @ts-expect-error: a prompt is required
    streamImageGeneration(client, { model: 'gpt-image-1.5' });
    // @ts-expect-error: the source streams; stream: false is not theirs to ask
    streamImageGeneration(client, { prompt: 'x', stream: false });
  });
});

describe('the image operators on both event families', () => {
  it('withFinalImage narrows its output to the input’s API', () => {
    expectTypeOf(responses$.pipe(withFinalImage())).toEqualTypeOf<Observable<ResponsesFinalImage>>();
    expectTypeOf(responses$.pipe(withFinalImage())).toEqualTypeOf<Observable<FinalImage>>();
    expectTypeOf(images$.pipe(withFinalImage())).toEqualTypeOf<Observable<ImagesApiFinalImage>>();
    expectTypeOf(either$.pipe(withFinalImage())).toEqualTypeOf<Observable<AnyFinalImage>>();
  });

  it('partialImages and partialAndFinalImages narrow alike', () => {
    expectTypeOf(responses$.pipe(partialImages())).toEqualTypeOf<Observable<ResponsesPartialImage>>();
    expectTypeOf(images$.pipe(partialImages())).toEqualTypeOf<Observable<ImagesApiPartialImage>>();
    expectTypeOf(either$.pipe(partialImages())).toEqualTypeOf<Observable<AnyPartialImage>>();
    expectTypeOf(images$.pipe(partialAndFinalImages())).toEqualTypeOf<
      Observable<ImagesApiPartialImage | ImagesApiFinalImage>
    >();
    expectTypeOf(responses$.pipe(partialAndFinalImages())).toEqualTypeOf<
      Observable<PartialImage | FinalImage>
    >();
  });

  it('imageStates gives the same ImageState whichever API, so a UI switches endpoints unchanged', () => {
    expectTypeOf(responses$.pipe(imageStates())).toEqualTypeOf<Observable<readonly ImageState[]>>();
    expectTypeOf(images$.pipe(imageStates())).toEqualTypeOf<Observable<readonly ImageState[]>>();
    expectTypeOf(images$.pipe(imageStates(), objectUrls())).toEqualTypeOf(
      responses$.pipe(imageStates(), objectUrls()),
    );
    expectTypeOf<ImageState['final']>().toEqualTypeOf<AnyFinalImage | null>();
  });

  it('narrows a final image by source, and a final image from a preview by `item`', () => {
    either$.pipe(partialAndFinalImages()).subscribe((image) => {
      if (!('item' in image)) {
        expectTypeOf(image).toEqualTypeOf<AnyPartialImage>();
        return;
      }
      expectTypeOf(image.item.type).toEqualTypeOf<'image_generation_call'>();
      if (image.source === 'images') {
        expectTypeOf(image).toEqualTypeOf<ImagesApiFinalImage>();
        expectTypeOf(image.event).toEqualTypeOf<ImageGenCompletedEvent | ImageEditCompletedEvent>();
        expectTypeOf(image.completed).toEqualTypeOf<null>();
      } else {
        expectTypeOf(image).toEqualTypeOf<ResponsesFinalImage>();
        expectTypeOf(image.completed).toEqualTypeOf<ResponseImageGenCallCompletedEvent | null>();
      }
    });
  });

  it('reads the same fields of a final image of either API', () => {
    expectTypeOf<AnyFinalImage['b64']>().toEqualTypeOf<string>();
    expectTypeOf<AnyFinalImage['item']>().toEqualTypeOf<ResponsesFinalImage['item']>();
    expectTypeOf<AnyFinalImage['outputFormat']>().toEqualTypeOf<ImageOutputFormat | null | undefined>();
    expectTypeOf<AnyFinalImage['itemId']>().toEqualTypeOf<string>();
    expectTypeOf<ImagesApiFinalImage['outputFormat']>().toEqualTypeOf<
      'png' | 'webp' | 'jpeg' | 'gif' | 'svg'
    >();
    expectTypeOf<ImagesApiFinalImage['action']>().toEqualTypeOf<'generate' | 'edit'>();
    expectTypeOf<ImagesApiFinalImage['usage']>().toEqualTypeOf<ImageGenCompletedEvent['usage'] | null>();
  });

  it('does not take what is not an image event', () => {
    // @ts-expect-error: numbers are not events
    (null as unknown as Observable<number>).pipe(withFinalImage());
    // @ts-expect-error: the Images API's final images are not events
    (null as unknown as Observable<ImagesApiFinalImage>).pipe(imageStates());
    expectTypeOf<ImagesApiStreamEvent>().not.toMatchTypeOf<ResponseStreamEvent>();
  });
});

describe('nextImageTurn', () => {
  it('takes a final image or an image state, and gives a request body for responses.create', () => {
    const body = nextImageTurn(final, { prompt: 'Make it night', store: false });
    client.responses.create({ ...body, model: 'gpt-5', tools: [{ type: 'image_generation' }], stream: true });
    nextImageTurn(state, { prompt: 'Now in winter', store: true });
    // @ts-expect-error: the next turn's prompt is required
    nextImageTurn(final, { store: true });
  });
});
