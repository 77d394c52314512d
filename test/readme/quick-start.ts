import { writeFileSync } from 'node:fs';
import OpenAI from 'openai';
import { share } from 'rxjs';
import { partialImages, streamResponse, withFinalImage } from 'rxjs-openai';

const events$ = streamResponse(new OpenAI(), {
  model: 'gpt-5',
  input: 'A lighthouse at dawn, watercolor',
  tools: [{ type: 'image_generation', partial_images: 2 }],
}).pipe(share());

events$.pipe(partialImages()).subscribe((p) => console.log(`preview ${p.index + 1} of ${p.itemId}`));
events$.pipe(withFinalImage()).subscribe((image) => {
  writeFileSync(`${image.itemId}.${image.item.output_format ?? 'png'}`, image.b64, 'base64');
  console.log(`saved ${image.itemId}`);
});
