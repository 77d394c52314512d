import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { RelayHttpError, ResponseStreamError, StreamIdleError } from '../../src/index';
import { RequestBodyError, redact, toSafeError } from '../../src/server/index';

// Realistic leaks: what upstream errors, proxies and SDKs put in messages. Each row: the text, what must not
// survive, and (for some) the exact masked text.
const leaks: Array<[name: string, text: string, secrets: string[], expected?: string]> = [
  [
    'an Azure api-key query parameter',
    'GET https://myres.openai.azure.com/openai/deployments/gpt/chat?api-version=2024-10-21&api-key=9f8e7d6c5b4a39281706f5e4d3c2b1a0 failed',
    ['9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
    'GET https://myres.openai.azure.com/openai/deployments/gpt/chat?api-version=2024-10-21&api-key=*** failed',
  ],
  [
    'a key= query parameter (Google-style)',
    'request to https://generativelanguage.googleapis.com/v1/models?key=AIzaSyD-LEAKEDLEAKEDLEAKED_0123456 timed out',
    ['AIzaSyD-LEAKED'],
    'request to https://generativelanguage.googleapis.com/v1/models?key=*** timed out',
  ],
  [
    'an api_key parameter in a form body',
    'invalid request body: model=gpt-5&api_key=LEAKEDFORMKEY&prompt=hi',
    ['LEAKEDFORMKEY'],
    'invalid request body: model=gpt-5&api_key=***&prompt=hi',
  ],
  [
    'token= and access_token= parameters',
    'redirected to https://auth.example.com/cb?state=xyz&access_token=ya29.LEAKEDACCESS&token=LEAKEDTOKEN',
    ['ya29.LEAKEDACCESS', 'LEAKEDTOKEN'],
    'redirected to https://auth.example.com/cb?state=xyz&access_token=***&token=***',
  ],
  [
    'an Azure SAS signature',
    'blob upload failed: https://acct.blob.core.windows.net/c/img.png?sv=2022-11-02&se=2026-01-01&sr=b&sp=r&sig=LEAKED%2Bsig%3D',
    ['LEAKED%2Bsig'],
    'blob upload failed: https://acct.blob.core.windows.net/c/img.png?sv=2022-11-02&se=2026-01-01&sr=b&sp=r&sig=***',
  ],
  [
    'Basic credentials in an echoed header',
    'proxy said 407: expected Proxy-Authorization but got Basic dXNlcjpMRUFLRURQQVNTV09SRA==',
    ['dXNlcjpMRUFLRURQQVNTV09SRA'],
  ],
  [
    'user:password in a proxy URL',
    'connect ECONNREFUSED via http://relay:LEAKEDPROXYPASS@proxy.internal:3128',
    ['LEAKEDPROXYPASS', 'relay:'],
    'connect ECONNREFUSED via http://***@proxy.internal:3128',
  ],
  [
    'a bare Azure-style 32-hex key',
    'Access denied due to invalid subscription key 0123456789abcdef0123456789ABCDEF. Make sure to provide a valid key.',
    ['0123456789abcdef0123456789ABCDEF'],
    'Access denied due to invalid subscription key ***. Make sure to provide a valid key.',
  ],
  [
    'x-api-key echoed as a header line',
    'upstream rejected headers {"x-api-key":"LEAKED-XAPIKEY-42","content-type":"application/json"}',
    ['LEAKED-XAPIKEY-42'],
    'upstream rejected headers {"x-api-key":"***","content-type":"application/json"}',
  ],
  ['x-api-key: value', 'missing scope for x-api-key: LEAKEDXKEY99 on /v1/responses', ['LEAKEDXKEY99']],
  [
    'an api-key parameter before others',
    'POST /openai/responses?api-key=LEAKEDFIRST&api-version=2025-04-01 (deployment gpt-image-1)',
    ['LEAKEDFIRST'],
    'POST /openai/responses?api-key=***&api-version=2025-04-01 (deployment gpt-image-1)',
  ],
  [
    'an authorization header echoed with a bearer token',
    "headers: { authorization: 'Bearer sk-proj-LEAKED0123456789' }",
    ['LEAKED0123456789', 'sk-proj'],
  ],
  ['a bearer token', 'Bearer eyLEAKEDTOKEN.abc was rejected', ['eyLEAKEDTOKEN']],
  [
    'a JSON web token',
    'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJMRUFLRUQifQ.c2lnbmF0dXJlTEVBS0VE expired',
    ['eyJzdWIiOiJMRUFLRUQifQ', 'c2lnbmF0dXJlTEVBS0VE'],
  ],
  [
    'OpenAI keys, organization and project ids',
    'Incorrect API key provided: sk-proj-abcLEAKED123. Organization org-LEAKEDORG1 project proj_LEAKEDPROJ2.',
    ['abcLEAKED123', 'LEAKEDORG1', 'LEAKEDPROJ2'],
    'Incorrect API key provided: sk-***. Organization org-*** project proj-***.',
  ],
];

describe('redact', () => {
  it.each(leaks)('masks %s', (_name, text, secrets, expected) => {
    const masked = redact(text);
    for (const secret of secrets) expect(masked).not.toContain(secret);
    if (expected !== undefined) expect(masked).toBe(expected);
  });

  it('keeps ordinary text: token counts, ids of requests, monkeys', () => {
    const text =
      'max_output_tokens=4096 too low for request req_0123456789abcdef; monkey=banana; the key is in the lock';
    expect(redact(text)).toBe(text);
  });
});

describe('toSafeError: what reaches the browser', () => {
  it.each(leaks)('masks %s in the message of an error event', (_name, text, secrets) => {
    const safe = toSafeError(
      new ResponseStreamError({
        type: 'error',
        code: 'server_error',
        message: text,
        param: null,
        sequence_number: 3,
      }),
    );
    for (const secret of secrets) expect(JSON.stringify(safe)).not.toContain(secret);
    const thrown = toSafeError(new APIError(undefined, { message: text }, undefined, new Headers()));
    for (const secret of secrets) expect(JSON.stringify(thrown)).not.toContain(secret);
  });

  const stack =
    'Error: connect ECONNREFUSED 10.0.0.7:5432\n    at TCPConnectWrap.afterConnect (node:net:1611:16)\n    at /srv/relay/node_modules/pg/lib/client.js:132:7';
  const relayErrors: Array<[number, string, string]> = [
    [500, 'upstream_error', 'The API had a problem; try again.'],
    [502, 'upstream_error', 'The API had a problem; try again.'],
    [401, 'upstream_auth', 'The server is not authorized to call the API.'],
    [403, 'upstream_auth', 'The server is not authorized to call the API.'],
    [429, 'rate_limited', 'Too many requests right now; try again later.'],
    [404, 'http_404', 'The upstream relay answered HTTP 404.'],
    [200, 'upstream_not_event_stream', 'The upstream answer was not an event stream.'],
  ];
  it.each(relayErrors)(
    'a RelayHttpError %i gives its status only, never the body',
    (status, code, message) => {
      const error = new RelayHttpError(status, 'Whatever', `{"error":"${stack}","key":"sk-LEAKED"}`);
      expect(toSafeError(error)).toEqual({ code, message });
    },
  );

  it('a StreamIdleError is stream_idle; a RequestBodyError keeps its code and message', () => {
    expect(toSafeError(new StreamIdleError(30_000, 4, 3))).toEqual({
      code: 'stream_idle',
      message: 'The upstream response stream was silent for 30000 ms.',
    });
    expect(
      toSafeError(new RequestBodyError(413, 'body_too_large', 'The request body is over 10 bytes.')),
    ).toEqual({
      code: 'body_too_large',
      message: 'The request body is over 10 bytes.',
    });
  });
});
