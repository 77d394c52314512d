import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EDIT_PROMPT,
  DEFAULT_IMAGE_MODEL,
  DEFAULT_MODEL,
  DEFAULT_PROMPT,
  HELP,
  parseDemoArgs,
  UsageError,
} from '../../scripts/demo/args';

const parse = (argv: string[], env: Record<string, string | undefined> = {}) =>
  parseDemoArgs(argv, env, '/work/here');

describe('demo: command line', () => {
  it('defaults to the built-in server, one image, two previews, ./output of the current folder', () => {
    expect(parse([])).toEqual({
      prompt: DEFAULT_PROMPT,
      model: DEFAULT_MODEL,
      images: 1,
      partials: 2,
      outDir: '/work/here/output',
      cwd: '/work/here',
      baseURL: null,
      apiKey: null,
      scenario: null,
      api: 'responses',
      edit: null,
    });
  });

  it('takes the Images API: --api images generates with an image model, --edit edits a file (relative to npm’s folder)', () => {
    expect(parse(['--api', 'images'])).toMatchObject({
      api: 'images',
      edit: null,
      model: DEFAULT_IMAGE_MODEL,
      prompt: DEFAULT_PROMPT,
    });
    expect(parse(['--edit', 'in/room.png'], { INIT_CWD: '/home/me' })).toMatchObject({
      api: 'images',
      edit: '/home/me/in/room.png',
      prompt: DEFAULT_EDIT_PROMPT,
    });
    expect(parse(['--edit', '/tmp/a.png', '-p', 'add a hat', '-m', 'gpt-image-2'])).toMatchObject({
      edit: '/tmp/a.png',
      prompt: 'add a hat',
      model: 'gpt-image-2',
    });
    expect(() => parse(['--api', 'chat'])).toThrow('--api must be responses or images, got "chat".');
    expect(() => parse(['--api', 'responses', '--edit', 'a.png'])).toThrow(UsageError);
  });

  it('calls the real API when OPENAI_API_KEY is set, or the --base-url given', () => {
    expect(parse([], { OPENAI_API_KEY: 'sk-x' })).toMatchObject({
      baseURL: 'https://api.openai.com/v1',
      apiKey: 'sk-x',
    });
    expect(parse(['--base-url', 'http://127.0.0.1:9/v1'])).toMatchObject({
      baseURL: 'http://127.0.0.1:9/v1',
      apiKey: null,
    });
  });

  it('reads every option, short and long, relative to the folder npm was started in', () => {
    const options = parse(['-p', 'a fox', '-m', 'gpt-4.1', '-n', '3', '--partials', '0', '-o', 'imgs'], {
      INIT_CWD: '/home/me',
    });
    expect(options).toMatchObject({
      prompt: 'a fox',
      model: 'gpt-4.1',
      images: 3,
      partials: 0,
      outDir: '/home/me/imgs',
    });
  });

  it('takes a scenario for the built-in server only', () => {
    expect(parse(['--scenario', '{"status":500}'])).toMatchObject({ scenario: { status: 500 } });
    expect(() => parse(['--scenario', '{"status":500}'], { OPENAI_API_KEY: 'sk-x' })).toThrow(UsageError);
    expect(() => parse(['--scenario', '[1]'])).toThrow('--scenario must be a JSON object.');
    expect(() => parse(['--scenario', '{'])).toThrow(UsageError);
  });

  it('refuses values out of range and unknown options with a usage error', () => {
    expect(() => parse(['-n', '5'])).toThrow('--images must be a whole number from 1 to 4, got "5".');
    expect(() => parse(['--partials', '4'])).toThrow(UsageError);
    expect(() => parse(['--partials', '1.5'])).toThrow(UsageError);
    expect(() => parse(['--base-url', 'ftp://x'])).toThrow(UsageError);
    expect(() => parse(['--nope'])).toThrow(UsageError);
    expect(() => parse(['stray'])).toThrow(UsageError);
  });

  it('documents every option in --help', () => {
    expect(parse(['--help'])).toBe('help');
    expect(parse(['-h'])).toBe('help');
    for (const option of [
      '--prompt',
      '--model',
      '--images',
      '--partials',
      '--out',
      '--base-url',
      '--scenario',
      '--api',
      '--edit',
      '--help',
    ])
      expect(HELP).toContain(option);
  });
});
