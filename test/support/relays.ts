// Relay instances for the tests of the browser hop: real node:http servers running the library's relay
// (pipeServerSentEvents with a cursor, resumeFromRequest, cancelFromRequest), as the README's relay does.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type OpenAI from 'openai';
import { streamResponse } from '../../src/index';
import {
  type CursorOptions,
  cancelFromRequest,
  pipeServerSentEvents,
  RequestBodyError,
  readJsonBody,
  resumeFromRequest,
  type ServerSentEventsOptions,
  toSafeError,
} from '../../src/server/index';

/** A relay instance listening on 127.0.0.1, which records what it was asked. */
export interface TestRelay {
  readonly url: string;
  /** Every request: its path and the cursor header it carried. */
  readonly requests: { path: string; lastEventId: string | null; status: number }[];
  /** Destroys every open connection at once (a crashed or redeployed instance), and stops listening. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/** What a relay streams for a new request: the body's prompt, as a background response. */
export interface TestRelayOptions {
  readonly client: OpenAI;
  readonly cursor: CursorOptions;
  /** The relay's other options (`events`, `heartbeatMs`...). */
  readonly relay?: Omit<ServerSentEventsOptions, 'cursor'>;
  /** Extra request options for the upstream calls (e.g. an `x-mock-scenario` header). */
  readonly headers?: Record<string, string>;
  /** Serves the other paths (a page and its script); `POST /api/images` and `POST /api/cancel` are the relay's. */
  readonly serve?: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * Starts a relay, the README's: `POST /api/images` `{ prompt }` (or a cursor: resume), `POST /api/cancel` (a
 * cursor); other requests go to `serve`, or to the relay too when there is none.
 */
export async function startRelay(options: TestRelayOptions): Promise<TestRelay> {
  const { client, cursor } = options;
  const requests: TestRelay['requests'] = [];
  const sockets = new Set<Socket>();
  const requestOptions = options.headers ? { headers: options.headers } : {};

  const handle = async (req: IncomingMessage, res: ServerResponse, seen: TestRelay['requests'][0]) => {
    if (req.url === '/api/cancel') {
      const { status, body } = await cancelFromRequest(client, req, { cursor, requestOptions });
      seen.status = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    try {
      const resumed = await resumeFromRequest(client, req, { cursor, requestOptions });
      let events$ = resumed;
      if (!events$) {
        const { prompt } = await readJsonBody(req);
        if (typeof prompt !== 'string') throw new RequestBodyError(400, 'invalid_prompt', 'Send a prompt.');
        events$ = streamResponse(
          client,
          {
            model: 'gpt-5',
            input: prompt,
            tools: [{ type: 'image_generation', partial_images: 2 }],
            background: true,
          },
          requestOptions,
        );
      }
      seen.status = 200;
      await pipeServerSentEvents(events$, res, { ...options.relay, cursor });
    } catch (error) {
      const status = error instanceof RequestBodyError ? error.status : 500;
      seen.status = status;
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify(toSafeError(error)));
    }
  };

  const server = createServer((req, res) => {
    if (
      options.serve &&
      !(req.method === 'POST' && (req.url === '/api/images' || req.url === '/api/cancel'))
    ) {
      options.serve(req, res);
      return;
    }
    const header = req.headers['last-event-id'];
    const seen = { path: req.url ?? '', lastEventId: typeof header === 'string' ? header : null, status: 0 };
    requests.push(seen);
    handle(req, res, seen).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}`, requests, kill: close, close };
}
