// Instruction counts with valgrind's callgrind: the number of instructions a run executes does not move with the
// load of a shared machine the way seconds do, so small ratios (a few percent) can be told from noise.
//
// How a run is cut out of a process: `alternate` (bench/stats.ts) runs each timed run through `marked()`. Under
// callgrind, that calls `os.loadavg()` before and after the run, whose native function `uv_loadavg` nothing else in Node calls, and
// callgrind runs with `--dump-before=uv_loadavg`: every mark writes the counts since the previous one to a file
// of its own. The child prints the labels of its runs, in order; run k is the segment between its two marks.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Set in the environment of a benchmark process that runs under callgrind. */
export const CALLGRIND_ENV = 'RXJS_OPENAI_BENCH_CALLGRIND';

const underCallgrind = process.env[CALLGRIND_ENV] === '1';

/** What a counted run was: its comparison, its variant, and whether it was a warm-up round. */
export interface RunLabel {
  readonly group: string;
  readonly variant: string;
  readonly warmup: boolean;
}

const runs: RunLabel[] = [];

/** Runs `run` between two marks (a callgrind dump each, under callgrind) and records its label. */
export async function marked<T>(label: RunLabel, run: () => Promise<T> | T): Promise<T> {
  if (!underCallgrind) return run();
  runs.push(label);
  loadavg();
  try {
    return await run();
  } finally {
    loadavg();
  }
}

/** The labels of the runs `marked` ran so far, in order: what a script under callgrind prints last. */
export function markedRuns(): readonly RunLabel[] {
  return runs;
}

/** Whether valgrind is installed (the benchmark that needs it is skipped, and says so, without it). */
export async function hasValgrind(): Promise<boolean> {
  try {
    await promisify(execFile)('valgrind', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** A labelled run and the instructions it executed. */
export interface CountedRun {
  readonly label: RunLabel;
  readonly instructions: number;
}

/**
 * Runs `node <nodeArgs>` under callgrind with the marks enabled. The script must print, as its last line of
 * stdout, `JSON.stringify(markedRuns())`.
 *
 * @return Each run's label with the instructions executed between its marks (all threads, JIT code included).
 */
export async function countInstructions(nodeArgs: readonly string[], cwd: string): Promise<CountedRun[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rxjs-openai-callgrind-'));
  try {
    const { stdout } = await promisify(execFile)(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
        '--dump-before=uv_loadavg',
        '--dump-instr=no',
        '--collect-jumps=no',
        process.execPath,
        // One thread: the JIT compiles and the GC marks on the main thread, at the same points in every run,
        // rather than on helper threads whose timing varies.
        '--single-threaded',
        // V8 sizes its heap from allocation rates it measures in time: fix the schedule so the GC runs alike.
        '--predictable-gc-schedule',
        ...nodeArgs,
      ],
      {
        cwd,
        env: { ...process.env, [CALLGRIND_ENV]: '1' },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const labels = JSON.parse(stdout.trim().split('\n').at(-1)!) as RunLabel[];
    // The dumps the marks made, in order: callgrind.out.1, .2, ... (callgrind.out alone is the end of the process).
    const segments = readdirSync(dir)
      .map((name) => /^callgrind\.out\.(\d+)$/.exec(name))
      .filter((match) => match !== null)
      .map((match) => ({ index: Number(match[1]), file: join(dir, match[0]) }))
      .sort((a, b) => a.index - b.index)
      .map(({ file }) => totalOf(readFileSync(file, 'utf8')));
    if (segments.length !== labels.length * 2)
      throw new Error(
        `callgrind wrote ${segments.length} dumps for ${labels.length} runs (expected two marks a run)`,
      );
    // Segment 2k is what ran before run k's first mark; 2k + 1 is run k itself.
    return labels.map((label, k) => ({ label, instructions: segments[2 * k + 1]! }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The instruction total of one callgrind dump (its `summary:` or `totals:` line). */
export function totalOf(dump: string): number {
  const line = /^(?:summary|totals):\s*(\d+)/m.exec(dump);
  if (!line) throw new Error('not a callgrind dump: no summary line');
  return Number(line[1]);
}
