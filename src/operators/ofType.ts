import { filter, type OperatorFunction } from 'rxjs';
import type { ResponseStreamEvent } from '../types';

/**
 * Keeps the events whose `type` is one of `types`, and narrows them to the matching members of the union.
 *
 * The NgRx / redux-observable idiom: `filter` with a type guard. The event types autocomplete, and a type
 * that is not in the union is a compile error.
 *
 * ```
 * source:  --created--delta--partial--delta--completed|
 *          ofType('response.output_text.delta')
 * result:  ----------delta-----------delta------------|
 * ```
 *
 * To annotate, give both type arguments: `ofType<MyEvent, 'a' | 'b'>('a', 'b')`. TypeScript infers no type
 * argument once one is given, so the types cannot come from the arguments then: `ofType<MyEvent>('a')` is a
 * compile error (`'a'` is not assignable to `never`), never a silently unnarrowed `MyEvent`.
 *
 * @example
 * ```ts
 * import { ofType, streamResponse } from 'rxjs-openai';
 *
 * streamResponse(client, params)
 *   .pipe(ofType('response.output_text.delta', 'response.output_text.done'))
 *   .subscribe((event) => {
 *     // event: ResponseTextDeltaEvent | ResponseTextDoneEvent
 *     if (event.type === 'response.output_text.delta') process.stdout.write(event.delta);
 *   });
 * ```
 *
 * @example
 * ```ts
 * import { ofType, type ResponseStreamEvent } from 'rxjs-openai';
 *
 * // Both type arguments, or none: the result is narrowed to ResponseCompletedEvent either way.
 * const completed = ofType<ResponseStreamEvent, 'response.completed'>('response.completed');
 * ```
 *
 * @typeParam Input The union of events (default: the Responses API's `ResponseStreamEvent`).
 * @typeParam Type The `type`s to keep: inferred from `types`, or given explicitly with `Input` (its default,
 *   `never`, makes a lone explicit `Input` fail to compile rather than lose the narrowing).
 * @param types One or more event `type` strings.
 * @return An operator that emits only those events, typed as the matching union members.
 */
export function ofType<
  Input extends { type: string } = ResponseStreamEvent,
  const Type extends Input['type'] = never,
>(...types: [Type, ...Type[]]): OperatorFunction<Input, Extract<Input, { type: Type }>> {
  if (types.length === 1) {
    const only = types[0];
    return filter((event): event is Extract<Input, { type: Type }> => event.type === only);
  }
  const wanted: ReadonlySet<string> = new Set(types);
  return filter((event): event is Extract<Input, { type: Type }> => wanted.has(event.type));
}
