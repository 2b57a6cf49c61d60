import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  binomialCdfHalf,
  formatPValue,
  mcnemar,
  mcnemarFromCounts,
  MCNEMAR_EXACT_BELOW,
} from '../../lib/evaluate/mcnemar';
import { loadGolden } from './golden';

const golden = loadGolden();

function relClose(actual: number, expected: number, what: string, rel = 1e-12): void {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected) + 1e-300,
    `${what}: ${actual} vs scipy ${expected}`,
  );
}

test(`mcnemar p-values equal statsmodels' formulas on scipy ${golden.versions.scipy} (exact and chi-square)`, () => {
  for (const g of golden.mcnemar) {
    const what = `b=${g.onlyA}, c=${g.onlyB}`;
    const exact = mcnemarFromCounts(g.onlyA, g.onlyB, { exact: true });
    assert.equal(exact.statistic, g.exactStatistic, what);
    relClose(exact.pValue, g.exactP, `${what} exact`);
    if (g.chi2 && g.chi2NoCorrection) {
      const chi = mcnemarFromCounts(g.onlyA, g.onlyB, { exact: false });
      relClose(chi.statistic, g.chi2.statistic, `${what} chi2 statistic`);
      relClose(chi.pValue, g.chi2.p, `${what} chi2 p`);
      const raw = mcnemarFromCounts(g.onlyA, g.onlyB, { exact: false, correction: false });
      relClose(raw.pValue, g.chi2NoCorrection.p, `${what} chi2 p without correction`);
    }
  }
});

test('mcnemar counts the four outcomes and picks the exact test below the threshold', () => {
  const a = [true, true, false, false, true, true, true];
  const b = [true, false, true, false, false, false, true];
  const r = mcnemar(a, b);
  assert.deepEqual(
    { bothCorrect: r.bothCorrect, onlyA: r.onlyA, onlyB: r.onlyB, bothWrong: r.bothWrong, n: r.n },
    { bothCorrect: 2, onlyA: 3, onlyB: 1, bothWrong: 1, n: 7 },
  );
  assert.equal(r.exact, true);
  relClose(r.pValue, 2 * binomialCdfHalf(1, 4), 'exact p');
  // Symmetric in the two models.
  assert.equal(mcnemar(b, a).pValue, r.pValue);
  assert.equal(mcnemarFromCounts(MCNEMAR_EXACT_BELOW - 1, 0).exact, true);
  assert.equal(mcnemarFromCounts(MCNEMAR_EXACT_BELOW, 0).exact, false);
  // Identical models: nothing discordant, p = 1 either way.
  assert.equal(mcnemarFromCounts(0, 0, { exact: false }).pValue, 1);
  assert.throws(() => mcnemar([true], [true, false]), /1 outcomes.*2/);
});

test('binomialCdfHalf: small n by direct sum, symmetric tail at large n', () => {
  const choose = (n: number, k: number): number => (k === 0 ? 1 : (choose(n, k - 1) * (n - k + 1)) / k);
  for (const n of [1, 5, 12, 30]) {
    for (let k = 0; k <= n; k++) {
      let direct = 0;
      for (let i = 0; i <= k; i++) direct += choose(n, i) / 2 ** n;
      relClose(binomialCdfHalf(k, n), Math.min(1, direct), `n=${n} k=${k}`, 1e-12);
    }
  }
  // P(X ≤ 999) + P(X ≥ 1001) + P(X = 1000) = 1 for n = 2000.
  const below = binomialCdfHalf(999, 2000);
  const at = binomialCdfHalf(1000, 2000) - below;
  relClose(2 * below + at, 1, 'n=2000 symmetry', 1e-12);
});

test('formatPValue: three significant digits, exponent form below 0.001', () => {
  assert.equal(formatPValue(0.04567), '0.0457');
  assert.equal(formatPValue(1), '1.00');
  assert.equal(formatPValue(3.44e-6), '3.44e-6');
});
