import {
  concat,
  defer,
  firstValueFrom,
  from,
  lastValueFrom,
  type Observable,
  type OperatorFunction,
  of,
  retry,
  Subject,
  take,
  throwError,
  toArray,
} from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  FunctionArgumentsError,
  type FunctionArgumentsSchema,
  FunctionArgumentsValidationError,
  type FunctionCall,
  functionCalls,
  MissingOutputItemError,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  type ResponseStreamEvent,
  RxOpenAIError,
} from '../../src/index';
import {
  createEventFactory,
  eventMarbles,
  functionCallScenario,
  type ToolCallEventOrder,
} from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

const run = <T = unknown>(
  events: ResponseStreamEvent[] | Observable<ResponseStreamEvent>,
  op: OperatorFunction<ResponseStreamEvent, unknown> = functionCalls(),
) =>
  lastValueFrom((Array.isArray(events) ? from(events) : events).pipe(op, toArray<unknown>())) as Promise<T[]>;

/** A Standard Schema validator for `{ city: string }` that upper-cases the city (a transform), sync or async. */
function citySchema(mode: 'sync' | 'async' = 'sync', delayMs = 0): FunctionArgumentsSchema<{ city: string }> {
  const check = (value: unknown) => {
    const city = (value as { city?: unknown } | null)?.city;
    return typeof city === 'string'
      ? { value: { city: city.toUpperCase() } }
      : { issues: [{ message: 'Expected a string', path: ['city'] }] };
  };
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) =>
        mode === 'sync'
          ? check(value)
          : new Promise((resolve) => setTimeout(() => resolve(check(value)), delayMs)),
    },
  };
}

/** A function call's events: added, deltas, arguments done, item done. */
function oneCall(
  e = createEventFactory(),
  id = 'fc_1',
  outputIndex = 0,
  args = '{"city":"Paris"}',
  name = 'get_weather',
) {
  const item = e.functionCall({ id, name, arguments: args, call_id: `call_${id}` });
  return {
    item,
    added: e.outputItemAdded({ ...item, arguments: '', status: 'in_progress' }, outputIndex),
    delta: e.functionCallArgumentsDelta(id, outputIndex, args),
    argsDone: e.functionCallArgumentsDone(id, outputIndex, args),
    itemDone: e.outputItemDone(item, outputIndex),
  };
}

describe('functionCalls', () => {
  const orders: ToolCallEventOrder[] = [
    'arguments-first',
    'item-first',
    'no-arguments-done',
    'item-in-response-completed-only',
  ];

  it.each(orders)(
    'emits every call once, paired and parsed, whatever the order (%s), interleaved or not',
    async (order) => {
      for (const interleave of [false, true]) {
        const { events, calls } = functionCallScenario({ calls: 3, order, interleave });
        const got = await run<FunctionCall>(events);
        expect(got.map((c) => c.callId).sort()).toEqual(calls.map((c) => c.callId).sort());
        for (const call of got) {
          const expected = calls.find((c) => c.callId === call.callId)!;
          expect(call).toMatchObject({
            name: expected.name,
            arguments: expected.arguments,
            parsed: JSON.parse(expected.arguments),
            itemId: expected.itemId,
            outputIndex: expected.outputIndex,
            error: null,
          });
          expect(call.item).toMatchObject({
            type: 'function_call',
            call_id: expected.callId,
            arguments: expected.arguments,
          });
        }
      }
    },
  );

  it('emits at arguments.done (the API order), with the announced item completed by the final arguments', () => {
    const { events, calls } = functionCallScenario({ calls: 2 });
    const { marbles, values } = eventMarbles(events);
    // created, in_progress, then per call: added, 3 deltas, arguments.done, item.done; completed
    expect(marbles).toBe('abcdefghijklmno|');
    const expected = (i: number): FunctionCall => {
      const c = calls[i]!;
      return {
        callId: c.callId,
        name: c.name,
        arguments: c.arguments,
        parsed: JSON.parse(c.arguments),
        itemId: c.itemId,
        outputIndex: c.outputIndex,
        error: null,
        item: {
          type: 'function_call',
          id: c.itemId,
          call_id: c.callId,
          name: c.name,
          arguments: c.arguments,
          status: 'completed',
        },
      };
    };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(functionCalls())).toBe('------g-----m--|', {
        g: expected(0),
        m: expected(1),
      });
    });
  });

  it('pairs in either order: arguments first and the name later, or the done item first', async () => {
    const e = createEventFactory();
    const a = oneCall(e, 'fc_a', 0, '{"city":"Oslo"}');
    const b = oneCall(e, 'fc_b', 1, '{"city":"Rome"}');
    // a: arguments.done before output_item.added; b: output_item.done before arguments.done.
    const got = await run<FunctionCall>([
      e.created(),
      a.argsDone,
      b.added,
      b.itemDone,
      a.added,
      b.argsDone,
      a.itemDone,
      e.completed(),
    ]);
    expect(got.map((c) => [c.callId, c.name, c.parsed])).toEqual([
      ['call_fc_b', 'get_weather', { city: 'Rome' }],
      ['call_fc_a', 'get_weather', { city: 'Oslo' }],
    ]);
    expect(got[0]!.item).toBe(b.item);
  });

  it('ignores duplicates and late events, and unknown event types', async () => {
    const e = createEventFactory();
    const a = oneCall(e);
    const got = await run<FunctionCall>([
      e.created(),
      a.added,
      e.unknown('response.future_event', { item_id: 'fc_1' }),
      a.delta,
      a.argsDone,
      a.argsDone,
      a.itemDone,
      a.itemDone,
      e.unknown('keepalive'),
      e.completed({ output: [a.item] }),
    ]);
    expect(got).toHaveLength(1);
  });

  it('errors with FunctionArgumentsError (raw text, call id, name, SyntaxError as cause) on arguments that are not JSON', async () => {
    const e = createEventFactory();
    const a = oneCall(e, 'fc_1', 0, '{"city": Par');
    const error = await run([e.created(), a.added, a.argsDone, e.completed()]).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(FunctionArgumentsError);
    expect(error).toMatchObject({
      rawArguments: '{"city": Par',
      callId: 'call_fc_1',
      functionName: 'get_weather',
      itemId: 'fc_1',
    });
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it("emits invalid calls with their error and goes on, with { invalid: 'emit' }", async () => {
    const e = createEventFactory();
    const bad = oneCall(e, 'fc_1', 0, 'not json');
    const good = oneCall(e, 'fc_2', 1, '{"city":"Lima"}');
    const got = await run<FunctionCall | { error: Error; parsed: undefined }>(
      [e.created(), bad.added, bad.argsDone, good.added, good.argsDone, e.completed()],
      functionCalls({ invalid: 'emit' }),
    );
    expect(got).toHaveLength(2);
    expect(got[0]!.error).toBeInstanceOf(FunctionArgumentsError);
    expect(got[0]!.parsed).toBeUndefined();
    expect(got[1]).toMatchObject({ error: null, parsed: { city: 'Lima' } });
  });

  it("validates with the function's Standard Schema: parsed is the schema's output", async () => {
    const e = createEventFactory();
    const a = oneCall(e, 'fc_1', 0, '{"city":"Paris"}');
    const got = await run<FunctionCall>(
      [e.created(), a.added, a.argsDone, e.completed()],
      functionCalls({ schemas: { get_weather: citySchema() } }),
    );
    expect(got[0]!.parsed).toEqual({ city: 'PARIS' });
  });

  it("errors with FunctionArgumentsValidationError and the schema's issues; a call to a function without a schema is invalid", async () => {
    const e = createEventFactory();
    const wrong = oneCall(e, 'fc_1', 0, '{"town":"Paris"}');
    const error = await run(
      [e.created(), wrong.added, wrong.argsDone],
      functionCalls({ schemas: { get_weather: citySchema() } }),
    ).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(FunctionArgumentsValidationError);
    expect(error).toMatchObject({
      issues: [{ message: 'Expected a string', path: ['city'] }],
      functionName: 'get_weather',
    });
    expect((error as Error).message).toContain('at city: Expected a string');

    const f = createEventFactory();
    const other = oneCall(f, 'fc_2', 0, '{}', 'toString');
    const got = await run<{ error: FunctionArgumentsValidationError | null }>(
      [f.created(), other.added, other.argsDone, f.completed()],
      functionCalls({ schemas: { get_weather: citySchema() }, invalid: 'emit' }),
    );
    expect(got[0]!.error).toBeInstanceOf(FunctionArgumentsValidationError);
    expect(got[0]!.error!.issues[0]!.message).toContain('No schema for function "toString"');
  });

  it('awaits asynchronous validators in order: a fast call waits for a slow one before it; completion waits for both', async () => {
    const e = createEventFactory();
    const slow = oneCall(e, 'fc_1', 0, '{"city":"Paris"}', 'slow');
    const fast = oneCall(e, 'fc_2', 1, '{"city":"Rome"}', 'fast');
    const got = await run<FunctionCall>(
      [e.created(), slow.added, slow.argsDone, fast.added, fast.argsDone, e.completed()],
      functionCalls({ schemas: { slow: citySchema('async', 30), fast: citySchema('async', 1) } }),
    );
    expect(got.map((c) => c.parsed)).toEqual([{ city: 'PARIS' }, { city: 'ROME' }]);
  });

  it('errors when an asynchronous validator rejects, or a validator throws', async () => {
    const e = createEventFactory();
    const a = oneCall(e);
    const events = [e.created(), a.added, a.argsDone, e.completed()];
    const rejecting: FunctionArgumentsSchema = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: () => Promise.reject(new Error('validator down')),
      },
    };
    await expect(run(events, functionCalls({ schemas: { get_weather: rejecting } }))).rejects.toThrow(
      'validator down',
    );
    const throwing: FunctionArgumentsSchema = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: () => {
          throw new Error('validator bug');
        },
      },
    };
    await expect(run(events, functionCalls({ schemas: { get_weather: throwing } }))).rejects.toThrow(
      'validator bug',
    );
  });

  it('emits nothing after unsubscribe while an asynchronous validation is pending', async () => {
    const e = createEventFactory();
    const a = oneCall(e);
    const received: unknown[] = [];
    const subscription = from([e.created(), a.added, a.argsDone])
      .pipe(functionCalls({ schemas: { get_weather: citySchema('async', 5) } }))
      .subscribe((call) => received.push(call));
    subscription.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual([]);
  });

  it('never drops a call: one announced that never finishes errors with MissingOutputItemError', async () => {
    const e = createEventFactory();
    const a = oneCall(e);
    // Announced by output_item.added, completed without it.
    await expect(run([e.created(), a.added, a.delta, e.completed()])).rejects.toBeInstanceOf(
      MissingOutputItemError,
    );
    // Only deltas: the call is known by its item id.
    const error = await run([e.created(), a.delta]).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(MissingOutputItemError);
    expect(error).toMatchObject({ itemId: 'fc_1', outputIndex: 0, itemType: 'function_call' });
    // Arguments without the call id and name, and the stream ends.
    await expect(run([e.created(), a.argsDone])).rejects.toBeInstanceOf(MissingOutputItemError);
  });

  it('knows every call announced by deltas alone, whatever their output indexes (shared, negative, huge)', async () => {
    const e = createEventFactory();
    const a = oneCall(e, 'fc_a', 0);
    const b = oneCall(e, 'fc_b', 1);
    // Two calls whose deltas claim the same output index, alternating: the second is still announced.
    const shared = e.functionCallArgumentsDelta('fc_b', 0, '{');
    const error = await run([
      e.created(),
      a.delta,
      shared,
      a.delta,
      shared,
      ...finish(a),
      e.completed(),
    ]).catch((x: unknown) => x);
    expect(error).toMatchObject({ itemId: 'fc_b' });
    expect(error).toBeInstanceOf(MissingOutputItemError);
    for (const outputIndex of [-1, 1e9, Number.NaN, 2.5]) {
      const odd = e.functionCallArgumentsDelta('fc_b', outputIndex, '{');
      await expect(run([e.created(), odd, odd, ...finish(a), e.completed()])).rejects.toMatchObject({
        itemId: 'fc_b',
      });
    }
    // Both finish: each once, deltas after a call finished change nothing.
    const got = await run<FunctionCall>([
      e.created(),
      a.delta,
      b.delta,
      ...finish(a),
      a.delta,
      b.delta,
      ...finish(b),
      b.delta,
      e.completed(),
    ]);
    expect(got.map((call) => call.itemId)).toEqual(['fc_a', 'fc_b']);

    function finish(call: ReturnType<typeof oneCall>) {
      return [call.added, call.argsDone, call.itemDone];
    }
  });

  it('never emits a call cut short (done item incomplete): the response.incomplete errors', async () => {
    const e = createEventFactory();
    const item = e.functionCall({ id: 'fc_1', name: 'f', arguments: '{"ci', status: 'incomplete' });
    const events = [
      e.created(),
      e.outputItemAdded({ ...item, arguments: '' }, 0),
      e.outputItemDone(item, 0),
      e.incomplete(),
    ];
    await expect(run(events)).rejects.toBeInstanceOf(ResponseIncompleteError);
  });

  it('errors with the typed errors of a failed response', async () => {
    const e = createEventFactory();
    await expect(run([e.created(), e.failed()])).rejects.toBeInstanceOf(ResponseFailedError);
    await expect(run([e.created(), e.incomplete()])).rejects.toBeInstanceOf(ResponseIncompleteError);
    await expect(run([e.created(), e.error('boom')])).rejects.toBeInstanceOf(ResponseStreamError);
  });

  it('gives each response of a stream its own calls (concatMap), even when their ids repeat', async () => {
    const first = functionCallScenario({ calls: 2, responseId: 'resp_1' });
    const second = functionCallScenario({ calls: 1, responseId: 'resp_2', order: 'item-first' });
    const got = await run<FunctionCall>([...first.events, ...second.events]);
    expect(got.map((c) => c.callId)).toEqual([...first.calls, ...second.calls].map((c) => c.callId));
  });

  it('drops what an abandoned response left unfinished (a new response.created before its terminal event)', async () => {
    // Three calls announced, none finished; the retried response has two (same ids): the third is not missing.
    const abandoned = functionCallScenario({
      calls: 3,
      order: 'item-in-response-completed-only',
    }).events.slice(0, -1);
    const retried = functionCallScenario({ calls: 2, responseId: 'resp_retry' });
    const got = await run<FunctionCall>([...abandoned, ...retried.events]);
    expect(got.map((c) => c.callId)).toEqual(retried.calls.map((c) => c.callId));
  });

  it('works with retry() placed before it, after a cut', async () => {
    const { events, calls } = functionCallScenario({ calls: 2, order: 'item-in-response-completed-only' });
    let attempt = 0;
    const source = defer(() =>
      attempt++ === 0
        ? concat(
            from(events.slice(0, 6)),
            throwError(() => new Error('cut')),
          )
        : from(events),
    );
    const got = await run<FunctionCall>(source.pipe(retry(1)));
    expect(got.map((c) => c.callId)).toEqual(calls.map((c) => c.callId));
  });

  it('bounds its state: more than 4096 calls in one response is refused', async () => {
    const e = createEventFactory();
    const events: ResponseStreamEvent[] = [e.created()];
    for (let i = 0; i <= 4096; i++) events.push(e.functionCallArgumentsDelta(`fc_${i}`, i, '{'));
    await expect(run(events)).rejects.toBeInstanceOf(RxOpenAIError);
  });

  it('passes source errors through, completes on empty, and unsubscribes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold<ResponseStreamEvent>('#').pipe(functionCalls())).toBe('#');
      expectObservable(cold<ResponseStreamEvent>('|').pipe(functionCalls())).toBe('|');
      const never = cold<ResponseStreamEvent>('-');
      expectObservable(never.pipe(functionCalls()), '^--!').toBe('-');
      expectSubscriptions(never.subscriptions).toBe('^--!');
    });
  });

  it('ends at once on a source error, without the calls still being validated', async () => {
    const e = createEventFactory();
    const a = oneCall(e);
    const source = new Subject<ResponseStreamEvent>();
    const result = firstValueFrom(
      source.pipe(functionCalls({ schemas: { get_weather: citySchema('async', 20) } }), toArray()),
    );
    for (const event of [e.created(), a.added, a.argsDone]) source.next(event);
    source.error(new Error('socket'));
    await expect(result).rejects.toThrow('socket');
  });

  it('stops a synchronous firehose as soon as take() has what it needs', async () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>(
      (i) => e.outputItemDone(e.functionCall({ id: `fc_${i}`, name: 'f' }), i),
      100_000,
    );
    const got = await lastValueFrom(firehose.source.pipe(functionCalls(), take(3), toArray()));
    expect(got.map((c) => c.itemId)).toEqual(['fc_0', 'fc_1', 'fc_2']);
    expect(firehose.produced).toBe(3);
  });

  it('is reusable: one operator instance, two subscriptions, independent state', async () => {
    const op = functionCalls();
    const { events } = functionCallScenario({ calls: 1 });
    const source = of(...events).pipe(op);
    expect(await lastValueFrom(source.pipe(toArray()))).toHaveLength(1);
    expect(await lastValueFrom(source.pipe(toArray()))).toHaveLength(1);
  });
});
