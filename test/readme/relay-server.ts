import { createServer } from 'node:http';
import OpenAI from 'openai';
import { streamResponse } from 'rxjs-openai';
import {
  cancelFromRequest,
  pipeServerSentEvents,
  RequestBodyError,
  readJsonBody,
  resumeFromRequest,
  toSafeError,
} from 'rxjs-openai/server';

const client = new OpenAI(); // the key stays here, in OPENAI_API_KEY
// Signs the cursors: the same secret on every instance (32+ random bytes); a list rotates keys, [new, old].
const cursor = { secret: process.env.CURSOR_SECRET ?? '' };

export const relay = createServer(async (req, res) => {
  try {
    if (req.url === '/api/cancel') {
      // Stops the generation, for the holder of its cursor only (400 malformed, 403 not ours).
      const { status, body } = await cancelFromRequest(client, req, { cursor });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    // A dropped connection comes back with its last cursor (Last-Event-ID): replay from the API after it.
    let events$ = await resumeFromRequest(client, req, { cursor });
    if (!events$) {
      // At most 64 KiB of JSON; not JSON, too large or cut off: a RequestBodyError (400 or 413).
      const { prompt } = await readJsonBody(req);
      if (typeof prompt !== 'string') throw new RequestBodyError(400, 'invalid_prompt', 'Send a prompt.');
      // Choose the model and tools on the server; take only the prompt from the browser.
      events$ = streamResponse(client, {
        model: 'gpt-5',
        input: prompt,
        tools: [{ type: 'image_generation', partial_images: 2 }],
        background: true, // stored by the API: any instance can resume it, and Cancel can stop it
      });
    }
    await pipeServerSentEvents(events$, res, { cursor }); // never rejects: a failure is an `error` event
  } catch (error) {
    // { code, message }, with nothing secret in it; the server keeps serving.
    const status = error instanceof RequestBodyError ? error.status : 500;
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(toSafeError(error)));
  }
});
relay.listen(Number(process.env.PORT ?? 3000));
