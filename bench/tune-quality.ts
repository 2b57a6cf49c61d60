/**
 * TPE quality bench (issue 9): our TpeSampler against Optuna 3.1's TPESampler (Debian python3-optuna, run by
 * this bench in the same run) on Branin, Hartmann-6 and a 10-dimensional Rosenbrock (all minimised), plus the
 * mixed int / log / categorical / stepped space of lib/tune/test-functions.ts (reported, not part of `ok`).
 *
 * Rows, each the median over seeds of the best value after 50 and 100 trials, ours against Optuna's:
 * - `default`: our default TpeSampler against Optuna's default TPESampler (the criterion);
 * - `independent`: our Optuna-3.1 preset against Optuna's default (like for like: the same algorithm);
 * - `multivariate`: our Optuna-3.1 preset with multivariate against Optuna's multivariate=True (like for like).
 * `ok` holds when, on the three criterion functions, our default's median is no worse than Optuna default's at
 * both checkpoints. Medians of equivalent samplers differ by seed luck, so each cell carries one-sided
 * Mann–Whitney p-values (ours worse / ours better), both sides' quartiles, and for the criterion rows the gap
 * between the medians of Optuna's first and second half of seeds (an A/A comparison of Optuna with itself).
 * The ms per trial of each loop (sampler + study bookkeeping; the objectives are trivial) is given as wall and
 * CPU time: Optuna's runs in parallel processes beside ours, so CPU time is the fairer comparison.
 * Prints one JSON object.
 *
 *   node scripts/build.js && node dist/bench/tune-quality.js [--quick] [--seeds N] [--first-seed S]
 *   (--quick: 4 seeds, 30 trials; default 20 seeds from 0: the criterion's; --first-seed: another block of seeds, the
 *   same on both sides, e.g. 1000 for the held-out block the defaults were chosen on)
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import {
  createStudy,
  NopPruner,
  OPTUNA31_TPE,
  TEST_FUNCTIONS,
  TpeSampler,
  type TpeOptions,
} from '../lib/tune';
import { erfc } from '../lib/tune/special';

const quick = process.argv.includes('--quick');
/** The integer after `flag`, or `fallback` when the flag is absent. */
function intArg(flag: string, fallback: number, min: number): number {
  const at = process.argv.indexOf(flag);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!(Number.isInteger(value) && value >= min)) throw new Error(`${flag} must be an integer >= ${min}`);
  return value;
}
const SEEDS = intArg('--seeds', quick ? 4 : 20, 2);
const FIRST_SEED = intArg('--first-seed', 0, 0);
const CHECKPOINTS = quick ? [15, 30] : [50, 100];
const TRIALS = CHECKPOINTS[CHECKPOINTS.length - 1];
const root = path.resolve(__dirname, '..', '..');

/** Same functions, parameter names and bounds as bench/reference/tune_optuna.py. */
const FUNCTIONS = TEST_FUNCTIONS;
type FunctionName = keyof typeof FUNCTIONS;
const CRITERION_FUNCTIONS: readonly FunctionName[] = ['branin', 'hartmann6', 'rosenbrock10'];

/** Our sampler configurations and the Optuna configuration (tune_optuna.py's CONFIGS) each is compared with. */
const OURS: Record<string, { options: TpeOptions; optuna: 'default' | 'multivariate' }> = {
  default: { options: {}, optuna: 'default' },
  independent: { options: OPTUNA31_TPE, optuna: 'default' },
  multivariate: { options: { ...OPTUNA31_TPE, multivariate: true }, optuna: 'multivariate' },
};

interface Run {
  /** Per seed, the best value after each checkpoint. */
  best: number[][];
  msPerTrial: number;
  cpuMsPerTrial: number;
}

/** numpy.quantile with linear interpolation. */
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.ceil(pos)] - s[lo]) * (pos - lo);
};
const median = (xs: number[]): number => quantile(xs, 0.5);
const round4 = (x: number): number => +x.toPrecision(4);

/**
 * One-sided Mann–Whitney U test (normal approximation, midranks for ties): p-value of "`a` tends to be
 * larger (worse) than `b`". Identical algorithms differ in their medians by seed luck alone, so this says
 * whether a difference is more than that.
 */
function mannWhitneyLargerP(a: number[], b: number[]): number {
  const all = [...a.map((v) => [v, 0] as const), ...b.map((v) => [v, 1] as const)].sort(
    (x, y) => x[0] - y[0],
  );
  const ranks = new Array<number>(all.length);
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1][0] === all[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const n1 = a.length;
  const n2 = b.length;
  const r1 = all.reduce((acc, [, who], i) => acc + (who === 0 ? ranks[i] : 0), 0);
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const z = (u - (n1 * n2) / 2 - 0.5) / Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  return 0.5 * erfc(z / Math.SQRT2);
}

async function runOurs(f: (typeof FUNCTIONS)[FunctionName], options: TpeOptions): Promise<Run> {
  const best: number[][] = [];
  let elapsed = 0;
  let cpu = 0;
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    const study = await createStudy({
      sampler: new TpeSampler({ ...options, seed }),
      pruner: new NopPruner(),
    });
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await study.optimize(f, { nTrials: TRIALS });
    const c = process.cpuUsage(c0);
    elapsed += performance.now() - t0;
    cpu += (c.user + c.system) / 1000;
    const values = study.trials.map((t) => t.value!);
    best.push(CHECKPOINTS.map((n) => Math.min(...values.slice(0, n))));
  }
  return { best, msPerTrial: elapsed / (SEEDS * TRIALS), cpuMsPerTrial: cpu / (SEEDS * TRIALS) };
}

type ReferenceOutput = Record<
  string,
  Record<string, { best: number[][]; ms_per_trial: number; cpu_ms_per_trial: number }>
>;

/** Optuna's runs of one function (both configurations), in a process of its own. */
function runReference(name: string): Promise<ReferenceOutput> {
  return new Promise((resolve, reject) => {
    const py = spawn(
      '/usr/bin/python3',
      [
        path.join(root, 'bench/reference/tune_optuna.py'),
        String(SEEDS),
        String(TRIALS),
        CHECKPOINTS.join(','),
        name,
        String(FIRST_SEED),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    py.stdout.on('data', (d: Buffer) => (out += d.toString()));
    py.stderr.on('data', (d: Buffer) => (err += d.toString()));
    py.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as ReferenceOutput)
        : reject(new Error(`optuna reference failed: ${err.trim().split('\n').pop()}`)),
    );
  });
}

/** One checkpoint of a row: both medians and the one-sided p-values (the table and `ok` read these). */
interface Cell {
  checkpoint: number;
  ours: number;
  optuna: number;
  pOursWorse: number;
  pOursBetter: number;
}

/** One row: ours against Optuna at each checkpoint, as JSON and as cells. */
function compare(mine: Run, ref: Run, withAaGap: boolean): { json: Record<string, unknown>; cells: Cell[] } {
  const json: Record<string, unknown> = {};
  const cells = CHECKPOINTS.map((c, i): Cell => {
    const ours = mine.best.map((b) => b[i]);
    const theirs = ref.best.map((b) => b[i]);
    const cell: Cell = {
      checkpoint: c,
      ours: median(ours),
      optuna: median(theirs),
      pOursWorse: mannWhitneyLargerP(ours, theirs),
      pOursBetter: mannWhitneyLargerP(theirs, ours),
    };
    const half = Math.floor(theirs.length / 2);
    json[`after_${c}`] = {
      ours_median_best: cell.ours,
      optuna_median_best: cell.optuna,
      no_worse: cell.ours <= cell.optuna,
      p_ours_worse_mann_whitney: +cell.pOursWorse.toFixed(4),
      p_ours_better_mann_whitney: +cell.pOursBetter.toFixed(4),
      ours_quartiles: [0.25, 0.75].map((q) => round4(quantile(ours, q))),
      optuna_quartiles: [0.25, 0.75].map((q) => round4(quantile(theirs, q))),
      ...(withAaGap && {
        optuna_half_vs_half_median_gap: round4(
          Math.abs(median(theirs.slice(0, half)) - median(theirs.slice(half))),
        ),
      }),
    };
    return cell;
  });
  json.ms_per_trial = {
    ours_wall: +mine.msPerTrial.toFixed(3),
    optuna_wall: +ref.msPerTrial.toFixed(3),
    ours_cpu: +mine.cpuMsPerTrial.toFixed(3),
    optuna_cpu: +ref.cpuMsPerTrial.toFixed(3),
    cpu_ratio: +(mine.cpuMsPerTrial / ref.cpuMsPerTrial).toFixed(3),
  };
  return { json, cells };
}

async function main(): Promise<void> {
  // The reference runs as one process per function while ours run here (its loop is the slow part).
  const referenceRuns = Promise.all(Object.keys(FUNCTIONS).map(runReference));
  const mine: Record<string, Record<string, Run>> = {};
  for (const [name, f] of Object.entries(FUNCTIONS)) {
    mine[name] = {};
    for (const [config, { options }] of Object.entries(OURS)) mine[name][config] = await runOurs(f, options);
  }
  const reference = Object.assign({}, ...(await referenceRuns)) as ReferenceOutput;
  const functions: Record<string, unknown> = {};
  /** One line per function, row and checkpoint, for reading at a glance. */
  const table: string[] = [];
  let ok = true;
  for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
    const rows: Record<string, unknown> = {};
    for (const [config, { optuna }] of Object.entries(OURS)) {
      const r = reference[name][optuna];
      const ref: Run = { best: r.best, msPerTrial: r.ms_per_trial, cpuMsPerTrial: r.cpu_ms_per_trial };
      const { json, cells } = compare(mine[name][config], ref, config === 'default');
      rows[`${config}_vs_optuna_${optuna}`] = json;
      for (const c of cells)
        table.push(
          `${name} ${c.checkpoint} ${config} vs optuna ${optuna}: ${round4(c.ours)} vs ${round4(c.optuna)}` +
            ` (p ours worse ${c.pOursWorse.toFixed(3)}, p ours better ${c.pOursBetter.toFixed(3)})`,
        );
      table.push(
        `${name} ${config} vs optuna ${optuna}: CPU ms/trial ${mine[name][config].cpuMsPerTrial.toFixed(2)} vs ${r.cpu_ms_per_trial.toFixed(2)}`,
      );
      if (config === 'default' && CRITERION_FUNCTIONS.includes(name) && cells.some((c) => c.ours > c.optuna))
        ok = false;
    }
    functions[name] = rows;
  }
  process.stdout.write(
    JSON.stringify(
      {
        bench: 'tune-quality',
        seeds: SEEDS,
        first_seed: FIRST_SEED,
        trials: TRIALS,
        checkpoints: CHECKPOINTS,
        reference: 'optuna 3.1 TPESampler (Debian python3-optuna), default and multivariate=True',
        criterion: `our default TpeSampler's median best is no worse than Optuna's default TPESampler's on ${CRITERION_FUNCTIONS.join(', ')} after ${CHECKPOINTS.join(' and ')} trials`,
        functions,
        table,
        ok,
      },
      null,
      2,
    ) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
