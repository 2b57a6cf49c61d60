import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { floatDistribution, intDistribution } from '../../lib/tune';
import { OPTUNA31_PARZEN } from '../../lib/tune/samplers/tpe';
import { numpyArgsort, ParzenEstimator, type ParzenOptions } from '../../lib/tune/samplers/parzen';

// Reference: Optuna 3.1's _ParzenEstimator (Debian python3-optuna) with TPESampler's default parameters, on
// observations drawn by numpy.random.RandomState(0); log_pdf at the given points.
const OPTIONS = OPTUNA31_PARZEN;

const close = (a: ArrayLike<number>, b: number[]) =>
  b.forEach((v, i) => assert.ok(Math.abs(a[i] - v) < 1e-12, `${i}: ${a[i]} vs ${v}`));

test('Parzen estimator log density equals Optuna 3.1 (float, 30 observations: weights ramp, magic clip, endpoints)', () => {
  const pe = new ParzenEstimator(
    {
      x: [
        3.232202558909872, 5.7278404955862925, 4.041450641074658, 3.1732477449534535, 1.354821990083571,
        4.688411695999841, 1.5638081689403878, 8.376595011731197, 9.45494140751544, 0.7516227823866659,
        6.87587557123997, 2.9334237962935674, 3.5206684164089843, 8.883949574389916, -3.9344591270316958,
        -3.6930605044768896, -4.696724038395114, 7.489297683219069, 6.672351264247757, 8.050182223702288,
        9.67927513349146, 6.987378463250854, 1.9221904337939772, 6.707937644296832, -3.225883611966002,
        4.598815319912857, -2.8497006888643037, 9.17003375574376, 2.8277248262510755, 1.219929099857854,
      ],
    },
    { x: floatDistribution(-5, 10) },
    OPTIONS,
  );
  close(
    pe.logPdf({ x: [-5, -2.5, 0, 2.5, 5, 7.5, 10] }),
    [
      -2.5491863998166067, -2.6421483533378614, -2.7278795368408097, -2.3522254697889955, -2.562643101994863,
      -2.3903044638831332, -2.814476621293206,
    ],
  );
});

test('Parzen estimator log density equals Optuna 3.1 (log-scaled int: cell masses)', () => {
  const pe = new ParzenEstimator(
    { k: [36, 63, 12, 51, 56, 29, 35, 1, 1, 37, 54, 6] },
    { k: intDistribution(1, 64, { log: true }) },
    OPTIONS,
  );
  close(
    pe.logPdf({ k: [1, 2, 7, 30, 64] }),
    [-1.8595483999924407, -1.9693789338150491, -1.7613407252569786, -1.3356042525164171, -1.1971607526147512],
  );
});

test('numpyArgsort orders ties as numpy 1.24 argsort does (Optuna 3.1 bandwidths of repeated int values)', () => {
  // numpy.random.RandomState(3).randint(0, 6, size=40) and its np.argsort (quicksort, not stable past 16).
  const values = [
    2, 0, 1, 3, 0, 0, 0, 5, 5, 3, 2, 3, 1, 1, 2, 5, 0, 4, 4, 5, 0, 2, 1, 2, 2, 2, 4, 1, 3, 2, 5, 0, 1, 5, 2,
    0, 3, 0, 3, 1,
  ];
  assert.deepEqual(
    Array.from(numpyArgsort(values)),
    [
      31, 16, 35, 6, 5, 20, 37, 1, 4, 2, 32, 22, 12, 13, 27, 39, 34, 29, 25, 24, 23, 0, 14, 21, 10, 38, 3, 28,
      11, 9, 36, 18, 17, 26, 7, 30, 33, 15, 8, 19,
    ],
  );
  const sixteen = [3, 0, 6, 0, 4, 7, 6, 7, 2, 0, 2, 3, 7, 3, 3, 1];
  assert.deepEqual(Array.from(numpyArgsort(sixteen)), [1, 3, 9, 15, 8, 10, 0, 11, 13, 14, 4, 2, 6, 5, 7, 12]);
});

test("Scott's-rule bandwidths, the magic clip's exponent and floor, and normalised kernels equal a scipy reference", () => {
  // numpy.random.RandomState(1).uniform(0, 3, size=8): a cluster in [−5, 10], so the clip decides for α = 1.
  // Reference: the mixture written out with scipy.stats.truncnorm (Scott: 1.059 · min(IQR / 1.34, sd) · m^−0.2
  // over the observations and the prior mean; floor range / min(1 / Δ, (1 + m)^α); prior σ = range).
  const x = [
    1.251066014107722, 2.1609734803264744, 0.0003431244520346599, 0.9069977178955193, 0.44026767245133913,
    0.2770157843063934, 0.5587806341330127, 1.0366821811291431,
  ];
  const points = { x: [-5, -2.5, 0, 1, 2, 2.5, 5, 7.5, 10] };
  const cases: [Partial<ParzenOptions>, number[]][] = [
    [
      { magicClipExponent: 1, minBandwidthFactor: 0.01 },
      [
        -2.277233936361183, -1.9038637225908768, -0.9044584970379714, -0.8230270742800806,
        -1.0109299568668644, -1.1861929942192901, -2.060409835718629, -2.21093155956782, -2.281246235555252,
      ],
    ],
    [
      { magicClipExponent: 2, minBandwidthFactor: 0.01 },
      [
        -2.28124677684527, -2.2118023279210335, -1.4144911673092322, -1.2210693760397522, -1.7735637149664232,
        -1.9107535614581044, -2.170135665713092, -2.2118023324008256, -2.28124677684527,
      ],
    ],
    [
      { magicClipExponent: 2, minBandwidthFactor: 0.1, normalisedKernels: true },
      [
        -4.949875297402999, -3.392454830502239, -1.6027434044749853, -1.4977857279034719, -1.7534799886382637,
        -2.008927182272951, -4.108206993928412, -4.911178739197489, -4.989291565060486,
      ],
    ],
  ];
  for (const [options, expected] of cases) {
    const pe = new ParzenEstimator(
      { x },
      { x: floatDistribution(-5, 10) },
      { ...OPTIONS, bandwidth: 'scott', ...options },
    );
    close(pe.logPdf(points), expected);
  }
});

test('with normalisedKernels the mixture density integrates to 1 over the range (Optuna 3.1: it does not)', () => {
  const x = [1.5, 2, 2.2, 7, -4.9];
  const integral = (normalisedKernels: boolean): number => {
    const pe = new ParzenEstimator(
      { x },
      { x: floatDistribution(-5, 10) },
      { ...OPTIONS, normalisedKernels },
    );
    const n = 30000;
    const grid = Array.from({ length: n + 1 }, (_, i) => -5 + (15 * i) / n);
    const density = Array.from(pe.logPdf({ x: grid }), Math.exp);
    return density.reduce((s, d, i) => s + (i === 0 || i === n ? d / 2 : d), 0) * (15 / n);
  };
  assert.ok(Math.abs(integral(true) - 1) < 1e-6, `${integral(true)}`);
  assert.ok(Math.abs(integral(false) - 1) > 0.1, `${integral(false)}`);
});

test("bandwidth 'local': neighbour gaps for a continuous parameter, Scott's rule for int and stepped ones", () => {
  const x = [3.2, 5.7, 4.0, 3.1, 1.35, 4.7, 1.56, 8.4, 9.5, 0.75, 6.9, 2.9];
  const k = [3, 5, 4, 3, 1, 5, 2, 8, 9, 1, 7, 3];
  const mv = { ...OPTIONS, multivariate: true };
  const spaces = {
    continuous: { v: floatDistribution(-5, 10) },
    int: { v: intDistribution(0, 10) },
    stepped: { v: floatDistribution(0, 10, { step: 0.5 }) },
  };
  for (const [kind, space] of Object.entries(spaces)) {
    const obs = { v: kind === 'continuous' ? x : k };
    const points = { v: kind === 'continuous' ? [-5, -1, 0.8, 3, 3.15, 6, 10] : [0, 1, 3, 4, 6, 10] };
    const local = new ParzenEstimator(obs, space, { ...mv, bandwidth: 'local' }).logPdf(points);
    const expected = new ParzenEstimator(obs, space, {
      ...mv,
      bandwidth: kind === 'continuous' ? 'gaps' : 'scott',
    }).logPdf(points);
    const other = new ParzenEstimator(obs, space, {
      ...mv,
      bandwidth: kind === 'continuous' ? 'scott' : 'gaps',
    }).logPdf(points);
    close(local, Array.from(expected));
    assert.ok(
      local.some((v, i) => Math.abs(v - other[i]) > 0.01),
      `${kind}: 'local' differs from the other rule`,
    );
  }
});

test("bandwidth 'gaps' gives a multivariate estimator the univariate neighbour-gap bandwidths", () => {
  const x = [3.2, 5.7, 4.0, 3.1, 1.35, 4.7, 1.56, 8.4, 9.5, 0.75, 6.9, 2.9];
  const points = { x: [-5, -1, 0.8, 3, 3.15, 6, 10] };
  const space = { x: floatDistribution(-5, 10) };
  const univariate = new ParzenEstimator({ x }, space, OPTIONS).logPdf(points);
  const gaps = new ParzenEstimator({ x }, space, { ...OPTIONS, multivariate: true, bandwidth: 'gaps' });
  const scottRate = new ParzenEstimator({ x }, space, { ...OPTIONS, multivariate: true });
  close(gaps.logPdf(points), Array.from(univariate));
  assert.ok(Math.abs(scottRate.logPdf(points)[4] - univariate[4]) > 0.01);
});

test('explicit observation weights replace weights(n) (the prior keeps its weight); a count mismatch throws', () => {
  const obs = { x: [1, 2, 8] };
  const space = { x: floatDistribution(-5, 10) };
  const points = { x: [1, 8] };
  const byCount = new ParzenEstimator(obs, space, OPTIONS).logPdf(points);
  close(new ParzenEstimator(obs, space, OPTIONS, [1, 1, 1]).logPdf(points), [...byCount]);
  // Moving weight from the component at 8 to the one at 1 raises the density at 1 and lowers it at 8.
  const tilted = new ParzenEstimator(obs, space, OPTIONS, [2, 0.5, 0.5]).logPdf(points);
  assert.ok(tilted[0] > byCount[0] && tilted[1] < byCount[1]);
  assert.throws(() => new ParzenEstimator(obs, space, OPTIONS, [1, 1]), /2 weights for 3 observations/);
});
