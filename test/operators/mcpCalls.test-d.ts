import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type McpCall,
  McpCallError,
  type McpCallItem,
  mcpCalls,
  type ResponseStreamEvent,
} from '../../src/index';

declare const events$: Observable<ResponseStreamEvent>;

describe('mcpCalls types', () => {
  it('emits McpCall, with its error when failed calls are emitted', () => {
    expectTypeOf(events$.pipe(mcpCalls())).toEqualTypeOf<Observable<McpCall>>();
    expectTypeOf(events$.pipe(mcpCalls({ failed: 'emit' }))).toEqualTypeOf<Observable<McpCall>>();
    expectTypeOf<McpCall['error']>().toEqualTypeOf<McpCallError | null>();
    expectTypeOf<McpCall['output']>().toEqualTypeOf<string | null>();
    expectTypeOf<McpCallItem['type']>().toEqualTypeOf<'mcp_call'>();
  });

  it('narrows a caught error to McpCallError', () => {
    const error: unknown = null;
    if (error instanceof McpCallError) expectTypeOf(error.toolName).toEqualTypeOf<string | null>();
  });

  it('rejects an unknown failed mode', () => {
    // @ts-expect-error: only 'error' and 'emit'
    mcpCalls({ failed: 'ignore' });
  });
});
