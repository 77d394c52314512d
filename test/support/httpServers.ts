import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Observable } from 'rxjs';

/** One request a test server received: its path, headers, and a promise that resolves when its connection closes. */
export interface SeenRequest {
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** Resolves once the response is finished or the client went away; `clientClosed` tells which. */
  readonly closed: Promise<void>;
  /** Whether the client closed before the server ended the response. */
  clientClosed: boolean;
}

/** A node:http server on 127.0.0.1 for a test, recording what it saw. */
export interface TestServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Resolves with request `index` once it has arrived. */
  request(index: number): Promise<SeenRequest>;
  close(): Promise<void>;
}

/** Starts a node:http server that hands each request to `handler`, and records requests and disconnects. */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const waiters = new Map<number, (r: SeenRequest) => void>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let markClosed!: () => void;
    const seen: SeenRequest = {
      url: req.url ?? '',
      headers: req.headers,
      closed: new Promise<void>((resolve) => (markClosed = resolve)),
      clientClosed: false,
    };
    res.on('close', () => {
      seen.clientClosed = !res.writableFinished;
      markClosed();
    });
    requests.push(seen);
    waiters.get(requests.length - 1)?.(seen);
    void Promise.resolve(handler(req, res)).catch((error: unknown) => res.destroy(error as Error));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    request: (index) =>
      requests[index]
        ? Promise.resolve(requests[index])
        : new Promise((resolve) => waiters.set(index, resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Starts an SSE response: status 200, `text/event-stream`, headers sent at once. */
export function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
}

/** Collects what an Observable emits until it ends, and how it ended. */
export function settle<T>(
  source: Observable<T>,
): Promise<{ values: T[]; error: unknown; completed: boolean }> {
  const values: T[] = [];
  return new Promise((resolve) =>
    source.subscribe({
      next: (v) => values.push(v),
      error: (error) => resolve({ values, error, completed: false }),
      complete: () => resolve({ values, error: undefined, completed: true }),
    }),
  );
}

/** The API's SSE framing of events, as the real API writes it. */
export function sseFrame(event: { type: string }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Reads a whole body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}
