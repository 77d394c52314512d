// Benchmark 4: minified + gzipped size of what an app bundles (rxjs and openai external), and tree-shaking.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { fmtBytes, table } from './stats';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = `${root}src/index.ts`;

/** A string only `imageStates` contains: it must not be in a bundle that does not import it. */
export const IMAGE_STATES_MARKER = '"partial"';

interface Bundle {
  readonly name: string;
  readonly minified: number;
  readonly gzipped: number;
  readonly code: string;
  /** The source files that put bytes into the bundle, relative to the repository. */
  readonly inputs: readonly string[];
}

async function bundle(name: string, contents: string): Promise<Bundle> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['rxjs', 'rxjs/*', 'openai', 'openai/*', 'node:*'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path)
    .filter((path) => path !== 'app.ts');
  return {
    name,
    minified: Buffer.byteLength(code),
    gzipped: gzipSync(code, { level: 9 }).length,
    code,
    inputs,
  };
}

export interface SizeBenchResult {
  readonly small: Bundle;
  readonly whole: Bundle;
  readonly perExport: readonly Bundle[];
  readonly treeShaken: boolean;
  readonly markdown: string;
}

/** Bundles `streamResponse + ofType + withFinalImage`, the whole entry, and each operator alone. */
export async function runSizeBench(): Promise<SizeBenchResult> {
  const small = await bundle(
    'streamResponse + ofType + withFinalImage',
    `export { streamResponse, ofType, withFinalImage } from ${JSON.stringify(entry)};`,
  );
  const whole = await bundle('whole entry (export *)', `export * from ${JSON.stringify(entry)};`);
  const perExport = [];
  for (const name of ['ofType', 'withFinalImage', 'partialImages', 'imageStates', 'streamResponse']) {
    perExport.push(await bundle(`${name} alone`, `export { ${name} } from ${JSON.stringify(entry)};`));
  }

  // What the small bundle must not contain: any operator it does not import.
  const unexpected = small.inputs.filter(
    (path) =>
      path.startsWith('src/operators/') &&
      !['src/operators/ofType.ts', 'src/operators/withFinalImage.ts'].includes(path),
  );
  const markerAbsent = !small.code.includes(IMAGE_STATES_MARKER);
  const markerPresentInWhole = whole.code.includes(IMAGE_STATES_MARKER);
  const treeShaken = unexpected.length === 0 && markerAbsent && markerPresentInWhole;

  const rows = [small, whole, ...perExport].map((b) => [
    b.name,
    `${b.minified.toLocaleString('en-US')} B (${fmtBytes(b.minified)})`,
    `${b.gzipped.toLocaleString('en-US')} B (${fmtBytes(b.gzipped)})`,
    String(b.inputs.length),
  ]);
  const markdown = [
    table(['bundle', 'minified', 'minified + gzip -9', 'source files in it'], rows),
    '',
    `Tree-shaking: the small bundle contains these source files only: ${small.inputs.map((p) => `\`${p}\``).join(', ')}.`,
    `Unused operators in it: ${unexpected.length === 0 ? 'none' : unexpected.join(', ')}; \`imageStates\`'s marker string \`${IMAGE_STATES_MARKER}\` is ${markerAbsent ? 'absent' : 'PRESENT'} from it (and ${markerPresentInWhole ? 'present' : 'ABSENT'} in the whole entry, so the check can fail).`,
  ].join('\n');
  return { small, whole, perExport, treeShaken, markdown };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runSizeBench();
  console.log(result.markdown);
  if (!result.treeShaken) process.exitCode = 1;
}
