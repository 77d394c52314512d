import type { ResponseFunctionToolCall } from 'openai/resources/responses/responses';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type FunctionArgumentsError,
  type FunctionArgumentsSchema,
  type FunctionArgumentsValidationError,
  type FunctionCall,
  functionCalls,
  type InferSchemaOutput,
  type InvalidFunctionCall,
  type ResponseStreamEvent,
} from '../../src/index';

declare const events$: Observable<ResponseStreamEvent>;

/** What a Standard Schema library declares (Zod 4, Valibot...): `types` carries the input and output types. */
interface Schema<Input, Output> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: 'test';
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value: Output; readonly issues?: undefined }
      | { readonly issues: readonly { message: string }[] };
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}
declare const weather: Schema<{ city: string }, { city: string; unit: 'c' | 'f' }>;
declare const time: Schema<{ tz: string }, { tz: string }>;
/** An asynchronous validator: its promise is awaited, the type is the same. */
declare const asyncTime: {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: 'test';
    readonly validate: (value: unknown) => Promise<{ value: Date } | { issues: { message: string }[] }>;
    readonly types?: { readonly input: string; readonly output: Date };
  };
};
/** A validator that declares no types: parsed is unknown. */
declare const untyped: FunctionArgumentsSchema;

describe('functionCalls types', () => {
  it('types parsed as unknown and name as string without schemas', () => {
    expectTypeOf(events$.pipe(functionCalls())).toEqualTypeOf<Observable<FunctionCall<unknown, string>>>();
    expectTypeOf<FunctionCall['item']>().toEqualTypeOf<ResponseFunctionToolCall>();
    expectTypeOf<FunctionCall['error']>().toEqualTypeOf<null>();
  });

  it("infers parsed from each schema's output, narrowed by name", () => {
    events$.pipe(functionCalls({ schemas: { get_weather: weather, get_time: time } })).subscribe((call) => {
      expectTypeOf(call.name).toEqualTypeOf<'get_weather' | 'get_time'>();
      if (call.name === 'get_weather')
        expectTypeOf(call.parsed).toEqualTypeOf<{ city: string; unit: 'c' | 'f' }>();
      else expectTypeOf(call.parsed).toEqualTypeOf<{ tz: string }>();
      expectTypeOf(call.error).toEqualTypeOf<null>();
    });
    expectTypeOf<InferSchemaOutput<typeof asyncTime>>().toEqualTypeOf<Date>();
    expectTypeOf<InferSchemaOutput<typeof untyped>>().toEqualTypeOf<unknown>();
    events$.pipe(functionCalls({ schemas: { later: asyncTime, any: untyped } })).subscribe((call) => {
      if (call.name === 'later') expectTypeOf(call.parsed).toEqualTypeOf<Date>();
      else expectTypeOf(call.parsed).toEqualTypeOf<unknown>();
    });
  });

  it("adds the invalid calls with { invalid: 'emit' }, told apart by error", () => {
    events$.pipe(functionCalls({ schemas: { get_weather: weather }, invalid: 'emit' })).subscribe((call) => {
      if (call.error === null) {
        expectTypeOf(call.name).toEqualTypeOf<'get_weather'>();
        expectTypeOf(call.parsed).toEqualTypeOf<{ city: string; unit: 'c' | 'f' }>();
      } else {
        expectTypeOf(call).toEqualTypeOf<InvalidFunctionCall>();
        expectTypeOf(call.error).toEqualTypeOf<FunctionArgumentsError | FunctionArgumentsValidationError>();
        expectTypeOf(call.parsed).toEqualTypeOf<undefined>();
      }
    });
    expectTypeOf(events$.pipe(functionCalls({ invalid: 'emit' }))).toEqualTypeOf<
      Observable<FunctionCall | InvalidFunctionCall>
    >();
    expectTypeOf(events$.pipe(functionCalls({ invalid: 'error' }))).toEqualTypeOf<Observable<FunctionCall>>();
  });

  it('rejects what is not a Standard Schema, and an unknown invalid mode', () => {
    // @ts-expect-error: a JSON Schema object is not a validator
    functionCalls({ schemas: { get_weather: { type: 'object', properties: {} } } });
    const versionTwo = { '~standard': { version: 2 as const, vendor: 'x', validate: () => ({ value: 1 }) } };
    // @ts-expect-error: a validator of another Standard Schema version
    functionCalls({ schemas: { get_weather: versionTwo } });
    // @ts-expect-error: only 'error' and 'emit'
    functionCalls({ invalid: 'ignore' });
  });

  it('does not let parsed be used as the wrong type', () => {
    events$.pipe(functionCalls({ schemas: { get_weather: weather } })).subscribe((call) => {
      // @ts-expect-error: parsed has no such field
      call.parsed.country;
    });
  });
});
