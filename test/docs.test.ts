import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Every public function (and class) of every entry point has TSDoc with an example: checked through the
// compiler, so a new export without one fails here.
const entries = ['src/index.ts', 'src/testing/index.ts', 'src/server/index.ts'].filter((path) =>
  ts.sys.fileExists(path),
);
const program = ts.createProgram(entries, {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: true,
});
const checker = program.getTypeChecker();

function publicDeclarations(entry: string) {
  const file = program.getSourceFile(entry);
  if (!file) throw new Error(`no ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (!moduleSymbol) throw new Error(`no module symbol for ${entry}`);
  return checker.getExportsOfModule(moduleSymbol).flatMap((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.declarations?.[0];
    if (!declaration || !(ts.isFunctionDeclaration(declaration) || ts.isClassDeclaration(declaration)))
      return [];
    const tags = ts.getJSDocTags(declaration).map((tag) => tag.tagName.text);
    const summary = ts.getJSDocCommentsAndTags(declaration).length > 0;
    return [{ name: exported.name, isFunction: ts.isFunctionDeclaration(declaration), tags, summary }];
  });
}

describe.each(entries)('public API of %s', (entry) => {
  const declarations = publicDeclarations(entry);

  it('exports something', () => {
    expect(declarations.length).toBeGreaterThan(0);
  });

  it.each(declarations.filter((d) => d.isFunction).map((d) => [d.name, d] as const))(
    '%s has TSDoc with an @example',
    (_name, declaration) => {
      expect(declaration.summary).toBe(true);
      expect(declaration.tags).toContain('example');
    },
  );

  it.each(declarations.filter((d) => !d.isFunction).map((d) => [d.name, d] as const))(
    '%s is documented',
    (_name, declaration) => {
      expect(declaration.summary).toBe(true);
    },
  );
});
