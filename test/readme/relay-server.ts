import { createServer } from 'node:http';
import OpenAI from 'openai';
import { streamResponse } from 'rxjs-openai';
import { pipeServerSentEvents, RequestBodyError, readJsonBody, toSafeError } from 'rxjs-openai/server';

const client = new OpenAI(); // the key stays here, in OPENAI_API_KEY

export const relay = createServer(async (req, res) => {
  try {
    // At most 64 KiB of JSON; not JSON, too large or cut off: a RequestBodyError (400 or 413).
    const { prompt } = await readJsonBody(req);
    if (typeof prompt !== 'string') throw new RequestBodyError(400, 'invalid_prompt', 'Send a prompt.');
    // Choose the model and tools on the server; take only the prompt from the browser.
    const events$ = streamResponse(client, {
      model: 'gpt-5',
      input: prompt,
      tools: [{ type: 'image_generation', partial_images: 2 }],
    });
    await pipeServerSentEvents(events$, res); // never rejects: a failure is an `error` event
  } catch (error) {
    // { code, message }, with nothing secret in it; the server keeps serving.
    const status = error instanceof RequestBodyError ? error.status : 500;
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(toSafeError(error)));
  }
});
relay.listen(Number(process.env.PORT ?? 3000));
