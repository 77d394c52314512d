// Shared by the integration tests: the real `openai` client pointed at the local server.
import OpenAI from 'openai';
import type { MockResponsesServer, MockScenario } from '../../src/testing/index';

/** The real SDK client for `server`: no retries (faults must surface), no logging of bad frames. */
export function clientFor(server: MockResponsesServer): OpenAI {
  return new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0, logLevel: 'off' });
}

/** Request options choosing the scenario of one request. */
export function withScenario(scenario: MockScenario): { headers: Record<string, string> } {
  return { headers: { 'x-mock-scenario': JSON.stringify(scenario) } };
}

/** The request body the tests send. */
export const params = {
  model: 'gpt-5',
  input: 'A lighthouse at dawn',
  tools: [{ type: 'image_generation' as const, partial_images: 2 }],
};
