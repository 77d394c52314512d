import OpenAI from 'openai';
import { streamResponse } from 'rxjs-openai';
import { serverSentEventsResponse } from 'rxjs-openai/server';

const client = new OpenAI();

// app/api/images/route.ts (Next.js), or any handler from Request to Response
export async function POST(request: Request): Promise<Response> {
  const { prompt } = (await request.json()) as { prompt: string };
  const events$ = streamResponse(client, {
    model: 'gpt-5',
    input: prompt,
    tools: [{ type: 'image_generation', partial_images: 2 }],
  });
  return serverSentEventsResponse(events$);
}
