import type { Observable } from 'rxjs';
import { type ImageState, imageStates, type ResponsesClient, streamResponse } from 'rxjs-openai';

/** Angular-style: the client is injected (an `OpenAI` instance in the app, a fake in tests). */
export class ImageGenerationService {
  constructor(private readonly client: ResponsesClient) {}

  generate(prompt: string): Observable<readonly ImageState[]> {
    return streamResponse(this.client, {
      model: 'gpt-5',
      input: prompt,
      tools: [{ type: 'image_generation', partial_images: 2 }],
    }).pipe(imageStates());
  }
}
