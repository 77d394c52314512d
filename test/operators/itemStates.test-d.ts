import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { type ItemState, itemStates, type ResponseStreamEvent } from '../../src/index';

declare const events$: Observable<ResponseStreamEvent>;

describe('itemStates types', () => {
  it('emits lists of ItemState, narrowed by type', () => {
    expectTypeOf(events$.pipe(itemStates())).toEqualTypeOf<Observable<readonly ItemState[]>>();
    const show = (state: ItemState) => {
      switch (state.type) {
        case 'message':
          expectTypeOf(state.text).toEqualTypeOf<string>();
          expectTypeOf(state.annotations).toExtend<readonly unknown[]>();
          return;
        case 'reasoning':
          expectTypeOf(state.summary).toEqualTypeOf<string>();
          return;
        case 'function_call':
          expectTypeOf(state.arguments).toEqualTypeOf<string>();
          expectTypeOf(state.callId).toEqualTypeOf<string>();
          return;
        case 'image_generation_call':
          expectTypeOf(state.b64).toEqualTypeOf<string | null>();
          // @ts-expect-error: an image state has no text
          state.text;
          return;
        case 'code_interpreter_call':
          expectTypeOf(state.code).toEqualTypeOf<string>();
          return;
      }
    };
    expectTypeOf(show).parameter(0).toEqualTypeOf<ItemState>();
  });

  it('takes only response events', () => {
    // @ts-expect-error: not a stream of response events
    (null as unknown as Observable<number>).pipe(itemStates());
  });
});
