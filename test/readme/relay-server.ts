import { createServer } from 'node:http';
import OpenAI from 'openai';
import { streamResponse } from 'rxjs-openai';
import { pipeServerSentEvents } from 'rxjs-openai/server';

const client = new OpenAI(); // the key stays here, in OPENAI_API_KEY

export const relay = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const { prompt } = JSON.parse(body) as { prompt: string };
  // Choose the model and tools on the server; take only the prompt from the browser.
  const events$ = streamResponse(client, {
    model: 'gpt-5',
    input: prompt,
    tools: [{ type: 'image_generation', partial_images: 2 }],
  });
  pipeServerSentEvents(events$, res);
});
relay.listen(Number(process.env.PORT ?? 3000));
