/**
 * The SER objective on real TESS clips (a tiny subset, 2 epochs): the default config is enqueued as trial 0,
 * every epoch is reported, a pruned trial stops training at the epoch it was pruned, and `ser tune --model`
 * writes the best config, the figures and a final model that reproduces the best trial's value.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readModelMeta } from '../../lib/models/model-dir';
import type { TrainedModelPayload } from '../../lib/train';
import { manifestHash } from '../../lib/data/manifest';
import { speakerKey, trainValidationTestSplit } from '../../lib/data/split';
import { featureSet } from '../../lib/features/sets';
import { zooEntry } from '../../lib/models/zoo';
import { loadFeatureTable } from '../../lib/train/dataset';
import { zooTuneTarget } from '../../lib/train/tune-target';
import { createStudy, FIXED_PARAMS_ATTR, serObjective, TpeSampler, type Pruner } from '../../lib/tune';
import { runSer as ser } from '../helpers/cli';
import { realDataRoot } from '../helpers/data';

test('serObjective on seed000: baseline trial 0, one report per epoch, pruning stops the fit', async () => {
  const target = await zooTuneTarget({
    model: 'seed000',
    corpora: ['tess'],
    root: realDataRoot('tess'),
    fold: 1,
    limitPerClass: 2,
    epochs: 3,
    progress: false,
  });
  assert.match(target.describe ?? '', /validation = test side \(speakers tess\/YAF\)/);
  // Prunes every trial but the first at its first report: a real pruner decision, applied by the fit loop.
  const pruneAfterFirst: Pruner = { prune: (_study, trial) => trial.number > 0 };
  const study = await createStudy({
    direction: 'maximize',
    sampler: new TpeSampler({ seed: 5 }),
    pruner: pruneAfterFirst,
  });
  study.enqueueTrial(target.defaultParams!);
  await study.optimize(serObjective(target), { nTrials: 2 });
  const [baseline, pruned] = study.trials;
  assert.deepEqual(baseline.params, {
    filters: 64,
    lstm_units: 64,
    dense_units: 64,
    dropout: 0.3,
    learning_rate: 1e-3,
  });
  assert.deepEqual(baseline.systemAttrs[FIXED_PARAMS_ATTR], baseline.params);
  assert.equal(baseline.state, 'complete');
  assert.deepEqual(Object.keys(baseline.intermediateValues).map(Number), [1, 2, 3]);
  for (const v of Object.values(baseline.intermediateValues)) assert.ok(v >= 0 && v <= 1);
  // Early stopping may restore an earlier epoch's weights: the value is one of the reported accuracies.
  assert.ok(Object.values(baseline.intermediateValues).includes(baseline.value!));
  assert.equal(pruned.state, 'pruned');
  assert.deepEqual(Object.keys(pruned.intermediateValues).map(Number), [1]);
  assert.equal(target.lastResult!.history.length, 1, 'the pruned trial trained one epoch only');
});

test('ser tune --model seed000 and best on a TESS subset: baseline, best config, figures, final model', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-tune-model-'));
  const root = realDataRoot('tess');
  const common = ['--corpus', 'tess', '--root', root, '--fold', '2', '--limit-per-class', '2', '--seed', '1'];
  const r = ser([
    'tune',
    '--model',
    'seed000',
    ...common,
    '--epochs',
    '2',
    '--trials',
    '3',
    '--storage',
    `journal:${path.join(dir, 's.jsonl')}`,
    '--out',
    path.join(dir, 'best.json'),
    '--model-out',
    path.join(dir, 'model'),
    '--plots',
    path.join(dir, 'plots.html'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /baseline \(default config\): trial 0 complete value=/);
  const best = JSON.parse(fs.readFileSync(path.join(dir, 'best.json'), 'utf8')) as {
    value: number;
    config: Record<string, number>;
    baseline: { trial: number; value: number };
  };
  assert.equal(best.baseline.trial, 0);
  assert.ok(best.value >= best.baseline.value);
  assert.equal(best.config.conv2Filters, 2 * best.config.conv1Filters);
  const meta = readModelMeta<TrainedModelPayload>(path.join(dir, 'model'));
  assert.equal(meta.payload.model.name, 'seed000');
  assert.equal(meta.payload.training.history.length <= 2, true);
  // Same config, budget and seed as the best trial: the same validation accuracy.
  assert.equal(meta.payload.metrics.test.accuracy, best.value);
  const html = fs.readFileSync(path.join(dir, 'plots.html'), 'utf8');
  for (const title of [
    'Optimization history',
    'Intermediate values',
    'Hyperparameter importances',
    'Parallel coordinates',
  ])
    assert.ok(html.includes(title), title);

  const svm = ser([
    'tune',
    '--model',
    'best',
    ...common,
    '--trials',
    '3',
    '--storage',
    'memory',
    '--out',
    path.join(dir, 'svm.json'),
    '--model-out',
    path.join(dir, 'svm'),
  ]);
  assert.equal(svm.code, 0, svm.stderr);
  const svmBest = JSON.parse(fs.readFileSync(path.join(dir, 'svm.json'), 'utf8')) as {
    config: { C: number };
  };
  assert.ok(svmBest.config.C >= 0.1 && svmBest.config.C <= 1000);
  assert.match(
    svm.stdout,
    /baseline \(default config\): trial 0 complete value=.* \{"C":10,"gamma":"scale"\}/,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('zooTuneTarget on a prepared inner split: trials validate on the validation speakers, test speakers never seen', async () => {
  const root = realDataRoot('ravdess');
  const table = await loadFeatureTable(['ravdess'], root, featureSet(zooEntry('best').features), {
    limitPerClass: 2,
    progress: false,
  });
  const split = trainValidationTestSplit({ hash: manifestHash(table.rows), rows: table.rows });
  const target = await zooTuneTarget({
    model: 'best',
    corpora: ['ravdess'],
    root,
    prepared: { table, split: split.inner },
  });
  const validationSpeakers = [...new Set(split.validation.map(speakerKey))];
  assert.match(target.describe ?? '', new RegExp(`speakers ${validationSpeakers.join(', ')}\\)`));
  const reports: number[] = [];
  const accuracy = await target.train({ C: 3 }, async (_epoch, value) => (reports.push(value), false));
  const seen = target.lastResult!.testRecords.map((r) => r.id).sort();
  assert.deepEqual(seen, split.validation.map((r) => r.id).sort());
  assert.deepEqual(reports, [accuracy]);
  await assert.rejects(
    zooTuneTarget({ model: 'seed000', corpora: ['ravdess'], root, prepared: { table, split: split.inner } }),
    /reads seed000 features/,
  );
});
