import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The README's code blocks marked `<!-- snippet: path -->` must be that file, verbatim: the files are compiled
// (typecheck) and run (as tests, or by the quick-start test), so the README cannot rot.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const snippets = [...readme.matchAll(/<!-- snippet: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)];

describe('README snippets', () => {
  it('has snippets', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(3);
  });

  it.each(snippets.map((m) => [m[1]!, m[2]!]))('%s matches the file', (path, code) => {
    const file = readFileSync(new URL(`../${path}`, import.meta.url), 'utf8').replace(/\n$/, '');
    expect(code).toBe(file);
  });
});
