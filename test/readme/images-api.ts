import OpenAI from 'openai';
import { imageStates, streamImageGeneration } from 'rxjs-openai';

streamImageGeneration(new OpenAI(), {
  model: 'gpt-image-1.5',
  prompt: 'A lighthouse at dawn, watercolor',
  partial_images: 2,
})
  .pipe(imageStates())
  .subscribe((images) => console.log(images.map((i) => `${i.itemId} ${i.status} ${i.partials}`).join()));
