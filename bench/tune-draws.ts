/**
 * TPE draw check (issue 9): given the same history (40 random 10-D Rosenbrock trials, made by the Python
 * reference), the distribution of our TpeSampler's next draw (OPTUNA31_TPE preset) of each parameter over many
 * seeds against Optuna 3.1's (bench/reference/tune_draws.py). Two samplers that implement the same Parzen estimators and candidate
 * selection draw from the same distribution, so the two-sample Kolmogorov–Smirnov p-values should be spread
 * over (0, 1), not pile up near 0. Prints one JSON object.
 *
 *   npx tsc -p . && node dist/bench/tune-draws.js [--draws N]   (default 1500)
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { createStudy, floatDistribution, OPTUNA31_TPE, TpeSampler } from '../lib/tune';

const root = path.resolve(__dirname, '..', '..');
const drawsArg = process.argv.indexOf('--draws');
const DRAWS = drawsArg >= 0 ? Number(process.argv[drawsArg + 1]) : 1500;
const HISTORY = 40;

/** Two-sample Kolmogorov–Smirnov statistic and its asymptotic p-value (Numerical Recipes' probks). */
function ks(a: number[], b: number[]): { d: number; p: number } {
  const x = [...a].sort((u, v) => u - v);
  const y = [...b].sort((u, v) => u - v);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    if (x[i] <= y[j]) i++;
    else j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const en = Math.sqrt((x.length * y.length) / (x.length + y.length));
  const lambda = (en + 0.12 + 0.11 / en) * d;
  let p = 0;
  for (let k = 1; k <= 100; k++) p += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
  return { d, p: Math.min(1, Math.max(0, p)) };
}

async function main(): Promise<void> {
  const py = spawnSync(
    '/usr/bin/python3',
    [path.join(root, 'bench/reference/tune_draws.py'), String(HISTORY), String(DRAWS)],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  if (py.status !== 0) throw new Error(`optuna reference failed: ${py.stderr.trim().split('\n').pop()}`);
  const ref = JSON.parse(py.stdout) as {
    history: { params: Record<string, number>; value: number }[];
    draws: Record<string, number[]>;
  };
  // The same history in our study: each trial enqueued with its parameters and told its value.
  const study = await createStudy({ direction: 'minimize' });
  for (const h of ref.history) study.enqueueTrial(h.params);
  let next = 0;
  await study.optimize(
    (t) => {
      for (let i = 0; i < 10; i++) t.suggestFloat(`x${i}`, -5, 10);
      return ref.history[next++].value;
    },
    { nTrials: ref.history.length },
  );
  const view = { studyName: study.name, direction: study.direction, trials: study.trials };
  const d = floatDistribution(-5, 10);
  const params: Record<string, { ks_d: number; p: number }> = {};
  for (const name of Object.keys(ref.draws)) {
    const ours = Array.from({ length: DRAWS }, (_, s) =>
      new TpeSampler({ ...OPTUNA31_TPE, seed: 1_000_000 + s }).sampleIndependent(
        view,
        study.trials[0],
        name,
        d,
      ),
    );
    const r = ks(ours, ref.draws[name]);
    params[name] = { ks_d: +r.d.toFixed(4), p: +r.p.toFixed(3) };
  }
  const ps = Object.values(params).map((v) => v.p);
  process.stdout.write(
    JSON.stringify(
      {
        bench: 'tune-draws',
        history: HISTORY,
        draws: DRAWS,
        reference: 'optuna 3.1 TPESampler.sample_independent (Debian python3-optuna)',
        params,
        min_p: Math.min(...ps),
        // Bonferroni over the parameters: no evidence of different distributions at 5 %.
        same_distribution: Math.min(...ps) * ps.length >= 0.05,
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
