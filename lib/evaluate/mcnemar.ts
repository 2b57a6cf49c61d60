/**
 * McNemar's test of two classifiers on the same clips: only the discordant clips (one model right, the other
 * wrong) carry information. As statsmodels' `mcnemar(table, exact, correction)`: the exact test is the
 * two-sided binomial test of min(b, c) out of b + c at p = ½; the asymptotic test is χ²(1) of
 * (|b − c| − 1)² / (b + c) with the continuity correction.
 */
import { erfc } from '../tune/special';

/** Below this many discordant clips the `auto` choice uses the exact binomial test (a common rule of thumb). */
export const MCNEMAR_EXACT_BELOW = 25;

export interface McNemarOptions {
  /**
   * `true`: exact binomial test; `false`: χ² approximation; `'auto'` (default): exact when fewer than
   * {@link MCNEMAR_EXACT_BELOW} clips are discordant, χ² otherwise. (statsmodels' default is exact=True.)
   */
  exact?: boolean | 'auto';
  /** Continuity correction of the χ² statistic. Default true (as statsmodels). */
  correction?: boolean;
}

export interface McNemarResult {
  /** Exact test: min(b, c); χ² test: the χ² statistic. */
  statistic: number;
  pValue: number;
  exact: boolean;
  correction: boolean;
  /** Clips both models got right. */
  bothCorrect: number;
  /** Clips only model A got right (b). */
  onlyA: number;
  /** Clips only model B got right (c). */
  onlyB: number;
  bothWrong: number;
  n: number;
}

/**
 * P(X ≤ k) for X ~ Binomial(n, ½), summed in log space (terms grow up to k ≤ n/2, so the last is the largest).
 */
export function binomialCdfHalf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const logTerms: number[] = [];
  let logChoose = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
    logTerms.push(logChoose - n * Math.LN2);
  }
  const top = Math.max(...logTerms);
  let sum = 0;
  for (let i = logTerms.length - 1; i >= 0; i--) sum += Math.exp(logTerms[i] - top);
  return Math.min(1, Math.exp(top) * sum);
}

/** Survival function of χ² with one degree of freedom: P(X > x) = erfc(√(x/2)). */
export function chi2SurvivalDf1(x: number): number {
  return x <= 0 ? 1 : erfc(Math.sqrt(x / 2));
}

/**
 * McNemar's test from the discordant counts: `onlyA` clips model A got right and B wrong, `onlyB` the reverse
 * (statsmodels' table[0][1] and table[1][0]). No discordant clips gives p = 1 (statsmodels gives NaN for the
 * χ² test there).
 */
export function mcnemarFromCounts(
  onlyA: number,
  onlyB: number,
  options: McNemarOptions = {},
): Pick<McNemarResult, 'statistic' | 'pValue' | 'exact' | 'correction'> {
  const discordant = onlyA + onlyB;
  const exact =
    options.exact === undefined || options.exact === 'auto'
      ? discordant < MCNEMAR_EXACT_BELOW
      : options.exact;
  const correction = options.correction ?? true;
  if (exact) {
    const statistic = Math.min(onlyA, onlyB);
    return { statistic, pValue: Math.min(1, 2 * binomialCdfHalf(statistic, discordant)), exact, correction };
  }
  if (discordant === 0) return { statistic: 0, pValue: 1, exact, correction };
  const statistic = (Math.abs(onlyA - onlyB) - (correction ? 1 : 0)) ** 2 / discordant;
  return { statistic, pValue: chi2SurvivalDf1(statistic), exact, correction };
}

/** A p-value for tables and titles: 3 significant digits, in exponent form below 0.001. */
export function formatPValue(p: number): string {
  return p < 1e-3 ? p.toExponential(2) : p.toPrecision(3);
}

/** McNemar's test of two models from whether each got each clip right (same clips, same order). */
export function mcnemar(
  correctA: readonly boolean[],
  correctB: readonly boolean[],
  options: McNemarOptions = {},
): McNemarResult {
  if (correctA.length !== correctB.length) {
    throw new Error(`mcnemar: ${correctA.length} outcomes for model A but ${correctB.length} for model B`);
  }
  let bothCorrect = 0;
  let onlyA = 0;
  let onlyB = 0;
  let bothWrong = 0;
  correctA.forEach((a, i) => {
    const b = correctB[i];
    if (a && b) bothCorrect++;
    else if (a) onlyA++;
    else if (b) onlyB++;
    else bothWrong++;
  });
  return {
    ...mcnemarFromCounts(onlyA, onlyB, options),
    bothCorrect,
    onlyA,
    onlyB,
    bothWrong,
    n: correctA.length,
  };
}
