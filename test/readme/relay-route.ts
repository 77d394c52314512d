import OpenAI from 'openai';
import { streamResponse } from 'rxjs-openai';
import { RequestBodyError, readJsonBody, serverSentEventsResponse, toSafeError } from 'rxjs-openai/server';

const client = new OpenAI();

// app/api/images/route.ts (Next.js), or any handler from Request to Response
export async function POST(request: Request): Promise<Response> {
  try {
    const { prompt } = await readJsonBody(request); // bounded; a RequestBodyError (400, 413) if bad
    if (typeof prompt !== 'string') throw new RequestBodyError(400, 'invalid_prompt', 'Send a prompt.');
    const events$ = streamResponse(client, {
      model: 'gpt-5',
      input: prompt,
      tools: [{ type: 'image_generation', partial_images: 2 }],
    });
    return serverSentEventsResponse(events$); // sends the request when the body is first read
  } catch (error) {
    const status = error instanceof RequestBodyError ? error.status : 500;
    return Response.json(toSafeError(error), { status });
  }
}
