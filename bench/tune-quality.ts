/**
 * TPE quality bench (issue 9): our TpeSampler against Optuna 3.1's TPESampler (Debian python3-optuna, run by
 * this bench in the same run) on Branin, Hartmann-6 and a 10-dimensional Rosenbrock (all minimised). For each
 * function: the median over seeds of the best value after each checkpoint (50 and 100 trials), ours and
 * Optuna's, and the ms per trial of each loop (sampler + study bookkeeping; the objectives are trivial).
 * `ok` holds when our median is no worse than Optuna's at every checkpoint; since two equivalent samplers
 * trade medians by seed luck, each cell also carries a one-sided Mann–Whitney p-value, and
 * `not_significantly_worse` holds when none is below 0.05. To show how far medians move by seed luck alone,
 * each cell also gives the quartiles of both and the gap between the medians of Optuna's first and second half
 * of seeds (an A/A comparison of Optuna with itself). Prints one JSON object.
 *
 *   npx tsc -p . && node dist/bench/tune-quality.js [--quick] [--seeds N]   (--quick: 4 seeds, 30 trials; default 20 seeds)
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createStudy, NopPruner, TEST_FUNCTIONS, TpeSampler, type Trial } from '../lib/tune';
import { erfc } from '../lib/tune/special';

const quick = process.argv.includes('--quick');
const seedsArg = process.argv.indexOf('--seeds');
const SEEDS = seedsArg >= 0 ? Number(process.argv[seedsArg + 1]) : quick ? 4 : 20;
if (!(Number.isInteger(SEEDS) && SEEDS >= 2)) throw new Error('--seeds must be an integer >= 2');
const CHECKPOINTS = quick ? [15, 30] : [50, 100];
const TRIALS = CHECKPOINTS[CHECKPOINTS.length - 1];
const root = path.resolve(__dirname, '..', '..');

/** Same functions, parameter names and bounds as bench/reference/tune_optuna.py. */
const FUNCTIONS = TEST_FUNCTIONS;

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
 * One-sided Mann–Whitney U test (normal approximation, midranks for ties): p-value of "ours tends to be
 * larger (worse) than the reference". Identical algorithms differ in their medians by seed luck alone, so this
 * says whether a loss is more than that.
 */
function mannWhitneyWorseP(oursValues: number[], refValues: number[]): number {
  const all = [...oursValues.map((v) => [v, 0] as const), ...refValues.map((v) => [v, 1] as const)].sort(
    (a, b) => a[0] - b[0],
  );
  const ranks = new Array<number>(all.length);
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1][0] === all[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const n1 = oursValues.length;
  const n2 = refValues.length;
  const r1 = all.reduce((acc, [, who], i) => acc + (who === 0 ? ranks[i] : 0), 0);
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const z = (u - (n1 * n2) / 2 - 0.5) / Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  return 0.5 * erfc(z / Math.SQRT2);
}

async function ours(f: (t: Trial) => number): Promise<{ best: number[][]; msPerTrial: number }> {
  const best: number[][] = [];
  let elapsed = 0;
  for (let seed = 0; seed < SEEDS; seed++) {
    const study = await createStudy({ sampler: new TpeSampler({ seed }), pruner: new NopPruner() });
    const t0 = performance.now();
    await study.optimize(f, { nTrials: TRIALS });
    elapsed += performance.now() - t0;
    const values = study.trials.map((t) => t.value!);
    best.push(CHECKPOINTS.map((c) => Math.min(...values.slice(0, c))));
  }
  return { best, msPerTrial: elapsed / (SEEDS * TRIALS) };
}

async function main(): Promise<void> {
  // The reference runs as one process per function while ours run here (its loop is the slow part).
  const runReference = (name: string) =>
    new Promise<Record<string, { best: number[][]; ms_per_trial: number }>>((resolve, reject) => {
      const py = spawn(
        '/usr/bin/python3',
        [
          path.join(root, 'bench/reference/tune_optuna.py'),
          String(SEEDS),
          String(TRIALS),
          CHECKPOINTS.join(','),
          name,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      py.stdout.on('data', (d: Buffer) => (out += d.toString()));
      py.stderr.on('data', (d: Buffer) => (err += d.toString()));
      py.on('close', (code) =>
        code === 0
          ? resolve(JSON.parse(out) as Record<string, { best: number[][]; ms_per_trial: number }>)
          : reject(new Error(`optuna reference failed: ${err.trim().split('\n').pop()}`)),
      );
    });
  const referenceRuns = Promise.all(Object.keys(FUNCTIONS).map(runReference));
  const mineByName: Record<string, Awaited<ReturnType<typeof ours>>> = {};
  for (const [name, f] of Object.entries(FUNCTIONS)) mineByName[name] = await ours(f);
  const reference = Object.assign({}, ...(await referenceRuns)) as Record<
    string,
    { best: number[][]; ms_per_trial: number }
  >;
  const functions: Record<string, unknown> = {};
  let ok = true;
  let significantlyWorse = false;
  for (const name of Object.keys(FUNCTIONS)) {
    const mine = mineByName[name];
    const ref = reference[name];
    const row: Record<string, unknown> = {};
    CHECKPOINTS.forEach((c, i) => {
      const a = median(mine.best.map((b) => b[i]));
      const b = median(ref.best.map((r) => r[i]));
      if (a > b) ok = false;
      const p = mannWhitneyWorseP(
        mine.best.map((x) => x[i]),
        ref.best.map((r) => r[i]),
      );
      if (p < 0.05) significantlyWorse = true;
      const refCell = ref.best.map((r) => r[i]);
      const half = Math.floor(refCell.length / 2);
      row[`after_${c}`] = {
        ours_median_best: a,
        optuna_median_best: b,
        no_worse: a <= b,
        p_ours_worse_mann_whitney: +p.toFixed(4),
        p_ours_better_mann_whitney: +mannWhitneyWorseP(
          refCell,
          mine.best.map((x) => x[i]),
        ).toFixed(4),
        ours_quartiles: [0.25, 0.75].map((q) =>
          round4(
            quantile(
              mine.best.map((x) => x[i]),
              q,
            ),
          ),
        ),
        optuna_quartiles: [0.25, 0.75].map((q) => round4(quantile(refCell, q))),
        optuna_half_vs_half_median_gap: round4(
          Math.abs(median(refCell.slice(0, half)) - median(refCell.slice(half))),
        ),
      };
    });
    row.ms_per_trial = {
      ours: +mine.msPerTrial.toFixed(3),
      optuna: +ref.ms_per_trial.toFixed(3),
      ratio: +(mine.msPerTrial / ref.ms_per_trial).toFixed(3),
    };
    functions[name] = row;
  }
  process.stdout.write(
    JSON.stringify(
      {
        bench: 'tune-quality',
        seeds: SEEDS,
        trials: TRIALS,
        checkpoints: CHECKPOINTS,
        reference: 'optuna 3.1 TPESampler (Debian python3-optuna)',
        functions,
        ok,
        not_significantly_worse: !significantlyWorse,
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
