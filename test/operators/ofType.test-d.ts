import type {
  ResponseCompletedEvent,
  ResponseImageGenCallCompletedEvent,
  ResponseTextDeltaEvent,
  ResponseTextDoneEvent,
} from 'openai/resources/responses/responses';
import { type Observable, type OperatorFunction, of } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type FinalImage,
  type ImageState,
  imageStates,
  ofType,
  type PartialImage,
  partialImages,
  type ResponseStreamEvent,
  type ResponseStreamEventOf,
  throwOnFailure,
  withFinalImage,
} from '../../src/index';

declare const events$: Observable<ResponseStreamEvent>;

describe('ofType types', () => {
  it('narrows to the one matching member', () => {
    expectTypeOf(events$.pipe(ofType('response.output_text.delta'))).toEqualTypeOf<
      Observable<ResponseTextDeltaEvent>
    >();
    expectTypeOf(events$.pipe(ofType('response.image_generation_call.completed'))).toEqualTypeOf<
      Observable<ResponseImageGenCallCompletedEvent>
    >();
  });

  it('narrows to the union of several members', () => {
    expectTypeOf(
      events$.pipe(ofType('response.output_text.delta', 'response.output_text.done')),
    ).toEqualTypeOf<Observable<ResponseTextDeltaEvent | ResponseTextDoneEvent>>();
  });

  it('rejects a type that is not in the union, and no types at all', () => {
    // @ts-expect-error: a typo is a compile error
    events$.pipe(ofType('response.output_text.deltas'));
    // @ts-expect-error: at least one type is required
    events$.pipe(ofType());
  });

  it('works on any union discriminated by type', () => {
    type Action = { type: 'a'; a: number } | { type: 'b'; b: string };
    const actions$ = of<Action>({ type: 'a', a: 1 });
    expectTypeOf(actions$.pipe(ofType('b'))).toEqualTypeOf<Observable<{ type: 'b'; b: string }>>();
    // @ts-expect-error: 'c' is not an Action type
    actions$.pipe(ofType('c'));
  });

  it('narrows alike with both type arguments given, or none', () => {
    expectTypeOf(ofType('response.completed')).toEqualTypeOf<
      OperatorFunction<ResponseStreamEvent, ResponseCompletedEvent>
    >();
    expectTypeOf(ofType<ResponseStreamEvent, 'response.completed'>('response.completed')).toEqualTypeOf<
      OperatorFunction<ResponseStreamEvent, ResponseCompletedEvent>
    >();
    expectTypeOf(
      events$.pipe(
        ofType<ResponseStreamEvent, 'response.output_text.delta' | 'response.output_text.done'>(
          'response.output_text.delta',
          'response.output_text.done',
        ),
      ),
    ).toEqualTypeOf<Observable<ResponseTextDeltaEvent | ResponseTextDoneEvent>>();
    // With both given, the result can be annotated too.
    const completed$: Observable<ResponseCompletedEvent> = events$.pipe(
      ofType<ResponseStreamEvent, 'response.completed'>('response.completed'),
    );
    expectTypeOf(completed$).toEqualTypeOf<Observable<ResponseCompletedEvent>>();
  });

  it('does not compile with the Input type argument alone, rather than silently not narrowing', () => {
    // @ts-expect-error: with an explicit Input, the types must be given too (Type defaults to never)
    events$.pipe(ofType<ResponseStreamEvent>('response.completed'));
    // @ts-expect-error: the same with several types
    ofType<ResponseStreamEvent>('response.output_text.delta', 'response.output_text.done');
  });

  it('narrows a custom union alike, and checks the explicit types against it and against the arguments', () => {
    type Action = { type: 'a'; a: number } | { type: 'b'; b: string } | { type: 'c'; c: boolean };
    const actions$ = of<Action>({ type: 'a', a: 1 });
    expectTypeOf(actions$.pipe(ofType('a', 'c'))).toEqualTypeOf<
      Observable<{ type: 'a'; a: number } | { type: 'c'; c: boolean }>
    >();
    expectTypeOf(actions$.pipe(ofType<Action, 'a' | 'c'>('a', 'c'))).toEqualTypeOf<
      Observable<{ type: 'a'; a: number } | { type: 'c'; c: boolean }>
    >();
    // @ts-expect-error: Input alone does not compile on a custom union either
    actions$.pipe(ofType<Action>('b'));
    // @ts-expect-error: 'd' is not an Action type
    ofType<Action, 'd'>('d');
    // @ts-expect-error: the argument must be one of the explicit types
    ofType<Action, 'a'>('b');
  });

  it('exposes a helper type for one member', () => {
    expectTypeOf<ResponseStreamEventOf<'response.output_text.done'>>().toEqualTypeOf<ResponseTextDoneEvent>();
  });
});

describe('operator types', () => {
  it('types the image operators', () => {
    expectTypeOf(events$.pipe(withFinalImage())).toEqualTypeOf<Observable<FinalImage>>();
    expectTypeOf(events$.pipe(partialImages())).toEqualTypeOf<Observable<PartialImage>>();
    expectTypeOf(events$.pipe(imageStates())).toEqualTypeOf<Observable<readonly ImageState[]>>();
    expectTypeOf(events$.pipe(throwOnFailure())).toEqualTypeOf<Observable<ResponseStreamEvent>>();
  });

  it('gives FinalImage a non-null b64 and a nullable completion event', () => {
    expectTypeOf<FinalImage['b64']>().toEqualTypeOf<string>();
    expectTypeOf<FinalImage['completed']>().toEqualTypeOf<ResponseImageGenCallCompletedEvent | null>();
    expectTypeOf<FinalImage['item']['type']>().toEqualTypeOf<'image_generation_call'>();
  });
});
