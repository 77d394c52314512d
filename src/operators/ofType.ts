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
 * @param types One or more event `type` strings.
 * @return An operator that emits only those events, typed as the matching union members.
 */
export function ofType<
  Input extends { type: string } = ResponseStreamEvent,
  const Type extends Input['type'] = Input['type'],
>(...types: [Type, ...Type[]]): OperatorFunction<Input, Extract<Input, { type: Type }>> {
  if (types.length === 1) {
    const only = types[0];
    return filter((event): event is Extract<Input, { type: Type }> => event.type === only);
  }
  const wanted: ReadonlySet<string> = new Set(types);
  return filter((event): event is Extract<Input, { type: Type }> => wanted.has(event.type));
}
