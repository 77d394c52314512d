import OpenAI from 'openai';
import { streamResponse } from 'rxjs-openai';
import {
  cancelFromRequest,
  RequestBodyError,
  readJsonBody,
  resumeFromRequest,
  serverSentEventsResponse,
  toSafeError,
} from 'rxjs-openai/server';

const client = new OpenAI();
const cursor = { secret: process.env.CURSOR_SECRET ?? '' }; // the same on every instance

// app/api/images/route.ts (Next.js), or any handler from Request to Response
export async function POST(request: Request): Promise<Response> {
  try {
    // A cursor (Last-Event-ID) resumes its stream: 400 if malformed, 403 if not signed by us.
    let events$ = await resumeFromRequest(client, request, { cursor });
    if (!events$) {
      const { prompt } = await readJsonBody(request); // bounded; a RequestBodyError (400, 413) if bad
      if (typeof prompt !== 'string') throw new RequestBodyError(400, 'invalid_prompt', 'Send a prompt.');
      events$ = streamResponse(client, {
        model: 'gpt-5',
        input: prompt,
        tools: [{ type: 'image_generation', partial_images: 2 }],
        background: true,
      });
    }
    return serverSentEventsResponse(events$, { cursor }); // sends the request when the body is first read
  } catch (error) {
    const status = error instanceof RequestBodyError ? error.status : 500;
    return Response.json(toSafeError(error), { status });
  }
}

// app/api/cancel/route.ts: `export { cancel as POST }`
export async function cancel(request: Request): Promise<Response> {
  const { status, body } = await cancelFromRequest(client, request, { cursor });
  return Response.json(body, { status });
}
