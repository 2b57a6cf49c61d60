import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createStudy,
  MedianPruner,
  NopPruner,
  paramImportances,
  RandomSampler,
  TrialPruned,
  type Pruner,
} from '../../lib/tune';
import {
  contourFigure,
  intermediateValuesFigure,
  optimizationHistoryFigure,
  parallelCoordinatesFigure,
  paramImportancesFigure,
  sliceFigure,
  timelineFigure,
} from '../../lib/viz';

async function sampleStudy(pruner: Pruner) {
  const study = await createStudy({ sampler: new RandomSampler({ seed: 11 }), pruner });
  await study.optimize(
    async (t) => {
      const x = t.suggestFloat('x', -4, 4);
      const lr = t.suggestFloat('lr', 1e-4, 1, { log: true });
      const act = t.suggestCategorical('act', ['relu', 'tanh']);
      const value = 10 * x * x + 0.1 * Math.log10(lr) ** 2 + (act === 'relu' ? 0 : 0.05);
      for (let step = 0; step < 4; step++) {
        t.report(value + 4 - step, step);
        if (await t.shouldPrune()) throw new TrialPruned();
      }
      return value;
    },
    { nTrials: 40 },
  );
  return study;
}

test('leave-one-parameter-out importances single out the parameter that drives the objective', async () => {
  const study = await sampleStudy(new NopPruner());
  const imp = paramImportances(study.trials);
  assert.deepEqual(Object.keys(imp).sort(), ['act', 'lr', 'x']);
  assert.equal(Object.keys(imp)[0], 'x');
  assert.ok(imp.x > 0.7, `x importance ${imp.x}`);
  assert.ok(Math.abs(Object.values(imp).reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.deepEqual(paramImportances(study.trials.slice(0, 2)), {});
});

test('tuning figures: history is monotone, one line per reporting trial, log axes, contour grid, timeline by state', async () => {
  const study = await sampleStudy(new MedianPruner({ nStartupTrials: 4 }));
  const trials = study.trials;
  const complete = trials.filter((t) => t.state === 'complete');

  const history = optimizationHistoryFigure(trials, 'minimize');
  const best = history.data[1] as { y: number[] };
  assert.equal(best.y.length, complete.length);
  assert.ok(best.y.every((v, i) => i === 0 || v <= best.y[i - 1]));
  assert.equal(best.y.at(-1), study.bestValue);

  assert.equal(intermediateValuesFigure(trials).data.length, trials.length);
  assert.deepEqual((paramImportancesFigure(trials).data[0] as { x: string[] }).x.sort(), ['act', 'lr', 'x']);

  const par = parallelCoordinatesFigure(trials, 'minimize').data[0] as {
    dimensions: {
      label: string;
      values: number[];
      ticktext?: string[];
      tickvals?: number[];
      range?: number[];
    }[];
  };
  assert.deepEqual(
    par.dimensions.map((d) => d.label),
    ['Objective value', 'act', 'lr', 'x'],
  );
  assert.deepEqual(par.dimensions[1].ticktext, ['relu', 'tanh']);
  // The log axis spans whole decades holding every value, and every tick lies on it (none drawn past its ends).
  const lr = par.dimensions[2];
  assert.ok(lr.range && lr.tickvals);
  assert.ok(
    lr.tickvals[0] === lr.range[0] && lr.tickvals.at(-1) === lr.range[1],
    `${lr.tickvals} on ${lr.range}`,
  );
  assert.ok(lr.values.every((v) => v >= lr.range![0] && v <= lr.range![1]));

  assert.equal(sliceFigure(trials, 'lr').layout.xaxis?.type, 'log');
  const contour = contourFigure(trials, 'x', 'lr', 20);
  const grid = contour.data[0] as { z: (number | null)[][]; y: number[] };
  assert.equal(grid.z.length, 20);
  assert.ok(grid.z.every((row) => row.length === 20 && row.every((v) => v !== null && Number.isFinite(v))));
  assert.ok(Math.abs(grid.y[0] - Math.min(...complete.map((t) => t.params.lr as number))) < 1e-12);

  const timeline = timelineFigure(trials);
  const states = timeline.data.map((d) => (d as { name: string }).name).sort();
  assert.deepEqual(states, [...new Set(trials.map((t) => t.state.toUpperCase()))].sort());
  JSON.parse(JSON.stringify(timeline));
});
