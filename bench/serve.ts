// Runs the local Responses server in its own process for the end-to-end benchmark, so that the process being
// measured does only the client's work. Prints one JSON line: the URL and the size of one streamed response.
// Stops when its stdin closes.
import { startMockResponsesServer } from '../src/testing/server/index';
import type { MockScenario } from '../src/testing/server/scenario';

const scenario = JSON.parse(process.argv[2] ?? '{}') as MockScenario;
const server = await startMockResponsesServer({ scenario, seed: Number(process.argv[3] ?? 1) });

// One request of our own: draws (and caches) the images, and tells how big a response is on the wire.
const response = await fetch(`${server.url}/responses`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'gpt-5', input: 'bench', stream: true }),
});
const body = new Uint8Array(await response.arrayBuffer());
const events = new TextDecoder()
  .decode(body)
  .split('\n\n')
  .filter((frame) => frame.trim() !== '').length;
console.log(JSON.stringify({ url: server.url, bytesPerResponse: body.length, eventsPerResponse: events }));

process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
process.stdin.on('close', () => void server.close().then(() => process.exit(0)));
