// A small round-robin load balancer for the end-to-end tests: each request goes to the next relay instance, with
// no affinity (a resumed stream may land on any instance); a relay that refuses the connection is skipped, as
// nginx's `proxy_next_upstream error` does. Streams are passed through unbuffered, and a relay that dies in the
// middle of an answer cuts the browser's connection too.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy did with one request. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  /** The request's `Last-Event-ID` (a resume cursor), if any. */
  readonly lastEventId: string | null;
  /** The index of the relay that answered, or `null` when none did (502). */
  upstream: number | null;
  /** Resolves once the answer is over, however it ended. */
  readonly ended: Promise<void>;
}

export interface RoundRobinProxy {
  readonly url: string;
  readonly requests: readonly ProxiedRequest[];
  close(): Promise<void>;
}

/** Starts the proxy in front of `upstreams()` (read per request, so that a restarted relay can be swapped in). */
export async function startRoundRobinProxy(upstreams: () => readonly string[]): Promise<RoundRobinProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  let next = 0;

  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    let markEnded!: () => void;
    const header = req.headers['last-event-id'];
    const record: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      lastEventId: typeof header === 'string' ? header : null,
      upstream: null,
      ended: new Promise<void>((resolve) => (markEnded = resolve)),
    };
    requests.push(record);
    res.on('close', () => markEnded());
    const targets = upstreams();

    const attempt = (tries: number) => {
      if (tries >= targets.length) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'bad_gateway', message: 'No relay answered.' }));
        return;
      }
      const index = next++ % targets.length;
      const target = new URL(targets[index]!);
      // The path as sent, not normalised: a relay must see what the browser asked for.
      const upstream = httpRequest(
        {
          hostname: target.hostname,
          port: target.port,
          path: record.path,
          method: record.method,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          record.upstream = index;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.flushHeaders();
          answer.on('data', (chunk: Buffer) => res.write(chunk));
          answer.on('end', () => res.end());
          // The relay died mid-answer: so does the browser's connection (no clean end to mistake for one).
          answer.on('close', () => {
            if (!answer.complete) res.destroy();
          });
          res.on('close', () => answer.destroy());
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) attempt(tries + 1);
        else res.destroy();
      });
      upstream.end(body);
    };
    attempt(0);
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
