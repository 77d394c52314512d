// Checks the built package for the dual-package hazard: an ESM app with a CJS dependency loads both builds
// (dist/*.js and dist/*.cjs) in one process, so each has its own error classes. An error made by one build must
// still be `instanceof` the other build's classes (and only the right ones), and the other build's `toSafeError`
// must map it to its own code, never `internal_error`. Run after `npm run build`; exits with 1 on any failure.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const builds = {
  ESM: { api: await import('../dist/index.js'), server: await import('../dist/server/index.js') },
  CJS: { api: require('../dist/index.cjs'), server: require('../dist/server/index.cjs') },
};
const BRAND = Symbol.for('rxjs-openai.errorBrand');
const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
};

/** The exported error classes of a build, by export name. */
const errorClasses = (api) =>
  Object.entries(api).filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error);

const response = {
  id: 'resp_1',
  error: { code: 'server_error', message: 'The model failed.' },
  incomplete_details: { reason: 'max_output_tokens' },
};
/** One instance of every error class, made with the given build's classes. */
const samples = {
  RxOpenAIError: (api) => new api.RxOpenAIError('root'),
  TruncatedStreamError: (api) => new api.TruncatedStreamError(3, 2),
  MalformedEventError: (api) => new api.MalformedEventError(3, 2),
  StreamIdleError: (api) => new api.StreamIdleError(1000, 3, 2),
  ImageGenerationError: (api) => new api.ImageGenerationError('ig_1', 0, 'moderation_blocked', 'Blocked'),
  ResponseFailedError: (api) => new api.ResponseFailedError(response),
  ResponseIncompleteError: (api) => new api.ResponseIncompleteError(response),
  ResponseStreamError: (api) =>
    new api.ResponseStreamError({
      type: 'error',
      code: 'rate_limit',
      message: 'Slow down',
      sequence_number: 1,
    }),
  MissingImageError: (api) => new api.MissingImageError('ig_2', 1),
  RelayHttpError: (api) => new api.RelayHttpError(500, 'Internal Server Error', ''),
  ResumeNotPossibleError: (api) => new api.ResumeNotPossibleError('resp_1', 'not-background'),
  SequenceGapError: (api) => new api.SequenceGapError('resp_1', 4, 6),
  ResumeFailedError: (api) => new api.ResumeFailedError('resp_1', 5, 3),
  MissingOutputItemError: (api) => new api.MissingOutputItemError('msg_1', 0, 'message'),
  FunctionArgumentsError: (api) => new api.FunctionArgumentsError('call_1', 'get_weather', '{', 'fc_1'),
  FunctionArgumentsValidationError: (api) =>
    new api.FunctionArgumentsValidationError('call_1', 'get_weather', '{}', 'fc_1', [
      { message: 'Required' },
    ]),
  McpCallError: (api) => new api.McpCallError('mcp_1', 0, 'search', 'docs'),
  ToolRunError: (api) => new api.ToolRunError('tool failed', ['call_1'], []),
  UnsupportedImageCountError: (api) => new api.UnsupportedImageCountError(2),
};

const classes = errorClasses(builds.ESM.api);
check(classes.length >= 13, `expected at least 13 exported error classes, found ${classes.length}`);
check(builds.ESM.api.RxOpenAIError !== builds.CJS.api.RxOpenAIError, 'the two builds share their classes');
for (const [name, cls] of classes) {
  check(name in samples, `${name}: no sample in scripts/check-dual-format.mjs, add one`);
  check(Object.hasOwn(cls, BRAND), `${name}: no own brand under Symbol.for('rxjs-openai.errorBrand')`);
}

for (const [from, to] of [
  ['ESM', 'CJS'],
  ['CJS', 'ESM'],
]) {
  for (const [sampleName] of classes) {
    const make = samples[sampleName];
    if (!make) continue;
    const error = make(builds[from].api);
    for (const [name] of classes) {
      const expected = name === 'RxOpenAIError' || name === sampleName;
      const actual = error instanceof builds[to].api[name];
      check(
        actual === expected,
        `a ${sampleName} made by the ${from} build instanceof the ${to} build's ${name} is ${actual}, expected ${expected}`,
      );
    }
    // The other build must map it exactly as it maps its own.
    const safe = builds[to].server.toSafeError(error);
    const own = builds[to].server.toSafeError(make(builds[to].api));
    check(
      safe.code === own.code && safe.code !== 'internal_error',
      `the ${to} build's toSafeError maps a ${sampleName} made by the ${from} build to ${safe.code}, expected ${own.code}`,
    );
  }
  const truncated = builds[to].server.toSafeError(samples.TruncatedStreamError(builds[from].api)).code;
  check(
    truncated === 'stream_truncated',
    `the ${to} build's toSafeError maps a ${from} TruncatedStreamError to ${truncated}, expected stream_truncated`,
  );
}

if (failures.length > 0) {
  console.error(`check-dual-format: ${failures.length} failure(s) across the ESM and CJS builds:`);
  for (const failure of failures) console.error(`  - ${failure}`);
  process.exit(1);
}
console.log(
  `check-dual-format: ${classes.length} error classes recognised across the ESM and CJS builds, both ways.`,
);
