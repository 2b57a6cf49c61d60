/**
 * Parameter importances by leave-one-parameter-out on a k-nearest-neighbour surrogate (documented substitute
 * for Optuna's fANOVA): parameters are scaled to [0, 1] (log ones in log space, categoricals as 0/1
 * mismatch), the surrogate predicts each complete trial's value from its k = 5 nearest other trials
 * (leave-one-out), and a parameter's importance is how much the surrogate's squared error grows when that
 * parameter is left out of the distance, floored at 0 and normalised to sum to 1. (Shuffling a column instead,
 * the permutation method, wrongly credits parameters that only reshuffle the neighbours.) Only parameters
 * present in every complete trial count, as in Optuna.
 */
import { intersectionSearchSpace } from './samplers/tpe';
import { toInternal } from './distributions';
import type { FrozenTrial } from './types';

export interface ImportanceOptions {
  /** Neighbours of the surrogate (default 5). */
  k?: number;
}

/** Parameter → importance in [0, 1], summing to 1, most important first; {} with fewer than 3 complete trials. */
export function paramImportances(
  trials: readonly FrozenTrial[],
  options: ImportanceOptions = {},
): Record<string, number> {
  const complete = trials.filter(
    (t) => t.state === 'complete' && t.value !== null && Number.isFinite(t.value),
  );
  const space = intersectionSearchSpace(complete);
  const names = Object.keys(space);
  if (complete.length < 3 || names.length === 0) return {};
  const k = Math.min(options.k ?? 5, complete.length - 1);
  const categorical = names.map((n) => space[n].type === 'categorical');
  const columns = names.map((n) => {
    const d = space[n];
    const raw = complete.map((t) => {
      const x = toInternal(d, t.params[n]);
      return d.type !== 'categorical' && d.log ? Math.log(x) : x;
    });
    if (d.type === 'categorical') return raw;
    const lo = Math.min(...raw);
    const span = Math.max(...raw) - lo || 1;
    return raw.map((x) => (x - lo) / span);
  });
  const y = complete.map((t) => t.value!);

  const error = (cols: number[][], isCategorical: boolean[]): number => {
    let sse = 0;
    for (let i = 0; i < y.length; i++) {
      const dist: [number, number][] = [];
      for (let j = 0; j < y.length; j++) {
        if (j === i) continue;
        let d = 0;
        for (let c = 0; c < cols.length; c++) {
          const diff = isCategorical[c] ? (cols[c][i] === cols[c][j] ? 0 : 1) : cols[c][i] - cols[c][j];
          d += diff * diff;
        }
        dist.push([d, j]);
      }
      dist.sort((a, b) => a[0] - b[0]);
      let pred = 0;
      for (let m = 0; m < k; m++) pred += y[dist[m][1]];
      sse += (pred / k - y[i]) ** 2;
    }
    return sse / y.length;
  };

  const base = error(columns, categorical);
  const raw = names.map((_, c) =>
    Math.max(
      0,
      error(
        columns.filter((_, cc) => cc !== c),
        categorical.filter((_, cc) => cc !== c),
      ) - base,
    ),
  );
  const total = raw.reduce((a, b) => a + b, 0);
  const out: Record<string, number> = {};
  names
    .map((n, i) => [n, total > 0 ? raw[i] / total : 1 / names.length] as const)
    .sort((a, b) => b[1] - a[1])
    .forEach(([n, v]) => (out[n] = v));
  return out;
}
