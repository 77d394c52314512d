import type {
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseReasoningItem,
} from 'openai/resources/responses/responses';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type OutputItem,
  type OutputItemOf,
  type OutputItemType,
  outputItems,
  type ResponseStreamEvent,
} from '../../src/index';

declare const events$: Observable<ResponseStreamEvent>;

describe('outputItems types', () => {
  it('types every item as the SDK union without types', () => {
    expectTypeOf(events$.pipe(outputItems())).toEqualTypeOf<Observable<OutputItem<ResponseOutputItem>>>();
    expectTypeOf<OutputItem['outputIndex']>().toEqualTypeOf<number>();
  });

  it('narrows item to the members asked for', () => {
    expectTypeOf(events$.pipe(outputItems('function_call'))).toEqualTypeOf<
      Observable<OutputItem<ResponseFunctionToolCall>>
    >();
    expectTypeOf(events$.pipe(outputItems('function_call', 'message'))).toEqualTypeOf<
      Observable<OutputItem<ResponseFunctionToolCall | ResponseOutputMessage>>
    >();
    expectTypeOf<OutputItemOf<'reasoning'>['item']>().toEqualTypeOf<ResponseReasoningItem>();
  });

  it('narrows further on item.type', () => {
    events$.pipe(outputItems('function_call', 'message')).subscribe(({ item }) => {
      if (item.type === 'function_call') expectTypeOf(item.call_id).toEqualTypeOf<string>();
      else expectTypeOf(item).toEqualTypeOf<ResponseOutputMessage>();
    });
  });

  it('rejects an item type that is not in the union', () => {
    // @ts-expect-error: a typo is a compile error
    events$.pipe(outputItems('function_calls'));
    // @ts-expect-error: an event type is not an item type
    events$.pipe(outputItems('response.output_item.done'));
    expectTypeOf<'message'>().toMatchTypeOf<OutputItemType>();
  });
});
