import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createStudy,
  OPTUNA31_TPE,
  RandomSampler,
  recombinationWeights,
  TEST_FUNCTIONS,
  toInternal,
  TpeSampler,
  type SearchSpace,
  type Study,
} from '../../lib/tune';

/**
 * Optuna 3.1's l(x) and g(x) log densities (TPESampler()'s split by _split_observation_pairs, then
 * _ParzenEstimator; Debian python3-optuna) for 47 random trials of the mixed test function (our RandomSampler,
 * seed 47), at the first 4 of 16 random probe points (RandomSampler, seed 999): per parameter (independent
 * TPE) and jointly ("all": multivariate=True). 47 trials put 42 in g(x), so the weights ramp and the order of
 * repeated int values both count.
 */
const OPTUNA_LOG_DENSITIES: Record<string, { l: number[]; g: number[] }> = {
  optimizer: {
    l: [-1.4916548767777171, -2.079441541679836, -2.079441541679836, -1.491654876777717],
    g: [-1.2540452215651965, -1.407066254762207, -1.407066254762207, -1.341040030287679],
  },
  lr: {
    l: [-1.5076627664456033, -1.2983772640549893, -1.1430267565336418, -1.3596862687772835],
    g: [-2.8416795767250362, -2.6047507788300903, -2.4869425611905025, -2.592379259508186],
  },
  layers: {
    l: [-2.46389840680564, -2.0591441336988656, -2.377443892384272, -1.649417795070497],
    g: [-2.0127807110327183, -2.110003159083709, -2.2203022259951073, -2.5263384066873185],
  },
  units: {
    l: [-1.7624555278261875, -0.954613758608098, -0.9730653746470378, -1.8120077500496896],
    g: [-2.926408813342692, -2.868679520723374, -3.0391036942471423, -3.089456245533494],
  },
  dropout: {
    l: [-2.254813347228359, -2.602489640582569, -2.2315182748329945, -2.134082097773835],
    g: [-3.996883310999202, -4.030041930175884, -3.0160899568951107, -2.49093263831392],
  },
  all: {
    l: [-7.722187169675602, -7.528135208361344, -7.641987425467314, -7.68392062779337],
    g: [-9.46814158636873, -9.303223329885661, -8.275782789657976, -9.414400639616959],
  },
};

async function randomStudy(seed: number, nTrials: number): Promise<Study> {
  const study = await createStudy({ sampler: new RandomSampler({ seed }) });
  await study.optimize(TEST_FUNCTIONS.mixed, { nTrials });
  return study;
}

test("TpeSampler with OPTUNA31_TPE fits Optuna 3.1's estimators on a mixed int / log / categorical / step space", async () => {
  const history = await randomStudy(47, 47);
  const probes = (await randomStudy(999, 4)).trials;
  const space: SearchSpace = { ...history.trials[0].distributions };
  const check = (sampler: TpeSampler, sub: SearchSpace, expected: { l: number[]; g: number[] }) => {
    const view = { studyName: history.name, direction: history.direction, trials: history.trials };
    const fitted = sampler.fitEstimators(view, sub)!;
    const points = Object.fromEntries(
      Object.keys(sub).map((name) => [name, probes.map((p) => toInternal(sub[name], p.params[name]))]),
    );
    for (const [got, want] of [
      [fitted.below.logPdf(points), expected.l],
      [fitted.above.logPdf(points), expected.g],
    ] as const)
      want.forEach((v, i) =>
        assert.ok(Math.abs(got[i] - v) < 1e-12, `${Object.keys(sub)} ${i}: ${got[i]} vs ${v}`),
      );
  };
  const independent = new TpeSampler({ ...OPTUNA31_TPE, seed: 0 });
  for (const name of Object.keys(space))
    check(independent, { [name]: space[name] }, OPTUNA_LOG_DENSITIES[name]);
  check(new TpeSampler({ ...OPTUNA31_TPE, multivariate: true, seed: 0 }), space, OPTUNA_LOG_DENSITIES.all);
});

test("recombination weights: CMA-ES's ln(k + ½) − ln r, positive, falling with rank, mean 1", () => {
  const w = recombinationWeights([3, 1, 2], 3);
  const raw = [3, 1, 2].map((r) => Math.log(3.5) - Math.log(r));
  const mean = raw.reduce((a, b) => a + b, 0) / 3;
  raw.forEach((v, i) => assert.ok(Math.abs(w[i] - v / mean) < 1e-15));
  assert.ok(w[1] > w[2] && w[2] > w[0] && w[0] > 0);
  // Trials without the parameter drop out of a relative space: the weights of the ranks present still average 1.
  const some = recombinationWeights([1, 5, 9], 10);
  assert.ok(Math.abs(some.reduce((a, b) => a + b, 0) - 3) < 1e-12);
});

test("belowWeights 'rank': l(x) leans to the best trials; 'age' (Optuna 3.1) weighs the below group alike", async () => {
  const history = await randomStudy(47, 60);
  const space: SearchSpace = { lr: history.trials[0].distributions.lr };
  const view = { studyName: history.name, direction: history.direction, trials: history.trials };
  const ranked = [...history.trials].sort((a, b) => a.value! - b.value!);
  const at = (t: (typeof ranked)[number]) => ({ lr: [toInternal(space.lr, t.params.lr)] });
  const common = { ...OPTUNA31_TPE, seed: 0 };
  const rank = new TpeSampler({ ...common, belowWeights: 'rank' }).fitEstimators(view, space)!;
  const age = new TpeSampler({ ...common, belowWeights: 'age' }).fitEstimators(view, space)!;
  const nBelow = 6; // gamma(60)
  // The best trial's point gains density, the worst below trial's loses it.
  assert.ok(rank.below.logPdf(at(ranked[0]))[0] > age.below.logPdf(at(ranked[0]))[0]);
  assert.ok(rank.below.logPdf(at(ranked[nBelow - 1]))[0] < age.below.logPdf(at(ranked[nBelow - 1]))[0]);
  // g(x) is the same either way.
  const probe = at(ranked[30]);
  assert.equal(rank.above.logPdf(probe)[0], age.above.logPdf(probe)[0]);
});
