import { writeFileSync } from 'node:fs';
import OpenAI from 'openai';
import { share } from 'rxjs';
import { finalResponse, resumable, streamResponse, textDeltas, withFinalImage } from 'rxjs-openai';

const client = new OpenAI();
const events$ = streamResponse(client, {
  model: 'gpt-5',
  input: 'Draw a lighthouse at dawn, and say what you drew in one sentence',
  tools: [{ type: 'image_generation', partial_images: 1 }],
  background: true, // stored by the API, so a dropped stream can be picked up again
}).pipe(resumable(client, { retries: 5 }), share());

events$.pipe(textDeltas()).subscribe((delta) => process.stdout.write(delta));
events$
  .pipe(withFinalImage())
  .subscribe((image) => writeFileSync(`${image.itemId}.png`, image.b64, 'base64'));
events$.pipe(finalResponse()).subscribe({
  next: (response) =>
    console.log(`\n${response.id} ${response.status}: ${response.output.length} output items`),
  error: (error) => console.error(`\nfailed: ${error.name}: ${error.message}`),
});
