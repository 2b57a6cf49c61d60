/**
 * ensureZooModel on real TESS: trains into models/<name> once, loads it afterwards, and retrains when the
 * directory is stale, partial, tampered with, or was trained for another request; the notebook plan's budgets.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildManifest, manifestHash } from '../../lib/data';
import {
  cacheNote,
  ensureZooModel,
  notebookModelPlan,
  QUICK_CLIPS_PER_CLASS,
  zooModelMismatch,
  FULL_SEQUENCE_CLIPS_PER_CLASS,
  liveTrainingCurves,
  planRow,
  resultRow,
  trainingOutcome,
  zooTrainingFigure,
} from '../../lib/notebook';
import { loadPipeline, makeSplit, resolveFold, type FitEpochLog } from '../../lib/train';
import { realDataRoot } from '../helpers/data';

test('notebookModelPlan: speaker-independent, quick and full budgets by model kind', () => {
  const quick = notebookModelPlan('seed000', ['tess'], true);
  assert.equal(quick.split, 'speaker');
  assert.equal(quick.fold, 'most-speakers');
  assert.equal(quick.limitPerClass, QUICK_CLIPS_PER_CLASS);
  assert.equal(quick.training.epochs, 2);
  const seq = notebookModelPlan('seed000', ['tess'], false);
  assert.equal(seq.limitPerClass, FULL_SEQUENCE_CLIPS_PER_CLASS);
  assert.ok((seq.training.epochs ?? 0) <= 25 && (seq.training.earlyStoppingPatience ?? 0) > 0);
  assert.deepEqual(notebookModelPlan('best', ['tess'], false).training, {});
  assert.equal(notebookModelPlan('best', ['tess'], false).limitPerClass, null);
  assert.equal(notebookModelPlan('seed004-mlp', ['tess'], false).limitPerClass, null);
  assert.throws(() => notebookModelPlan('nope' as 'best', ['tess'], false), /unknown model/);
});

test('resolveFold: the fold with the most test speakers', async () => {
  const root = realDataRoot('ravdess');
  const manifest = await buildManifest({ corpora: ['tess', 'ravdess'], root, progress: false });
  const table = { corpora: ['tess', 'ravdess'], rows: manifest.rows, vectors: [], skipped: [] };
  const split = makeSplit(table as never, 'speaker');
  assert.equal(split.manifestHash, manifestHash(manifest.rows));
  const i = resolveFold(split, manifest.rows, 'most-speakers');
  const byId = new Map(manifest.rows.map((r) => [r.id, r]));
  const count = (k: number) => new Set(split.folds[k].test.map((id) => byId.get(id)!.speaker)).size;
  for (let k = 0; k < split.folds.length; k++) assert.ok(count(i) >= count(k));
  // TESS's two speakers each fill a fold of their own: the chosen fold holds several RAVDESS actors.
  assert.ok(count(i) > 1);
  assert.equal(resolveFold(split, manifest.rows, 3), 3);
});

test('ensureZooModel: trains once, then loads; retrains when stale, tampered or asked', async () => {
  const root = realDataRoot('tess');
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-zoo-'));
  const options = { root, corpora: ['tess'], quick: true, modelsDir };
  const first = await ensureZooModel('seed004-svm', options);
  assert.equal(first.trained, true);
  assert.equal(first.dir, path.join(modelsDir, 'seed004-svm'));
  assert.equal(first.meta.payload.split.name, 'speaker');
  assert.equal(first.meta.payload.split.protocol, 'speaker');
  // Quick: 2 clips per speaker and emotion; TESS's 2 folds hold one speaker each.
  assert.equal(first.result!.metrics.n, 2 * 7);
  assert.equal(first.result!.testRecords.length, 14);
  assert.equal(first.result!.probabilities.length, 14);
  assert.equal(zooModelMismatch(first.dir, first.request), null);
  assert.match(cacheNote(first), /^trained in [\d.]+ s$/);
  // The request carries the manifest hash of the corpora's clips: other clips make another request.
  const manifest = await buildManifest({ corpora: ['tess'], root, progress: false });
  assert.equal(first.request.manifestHash, manifestHash(manifest.rows));
  assert.match(
    zooModelMismatch(first.dir, { ...first.request, manifestHash: manifestHash(manifest.rows.slice(1)) })!,
    /another request/,
  );

  const again = await ensureZooModel('seed004-svm', options);
  assert.equal(again.trained, false);
  assert.equal(cacheNote(again), `loaded from cache (${path.basename(modelsDir)}/seed004-svm)`);
  assert.deepEqual(again.meta.payload.metrics, first.meta.payload.metrics);
  const model = await loadPipeline(again.dir);
  assert.deepEqual(model.labels, first.meta.labels);
  model.dispose();

  // Another request (full mode: every clip) is not served by the quick model.
  assert.match(zooModelMismatch(first.dir, { ...first.request, limitPerClass: null })!, /another request/);
  const other = await ensureZooModel('seed004-svm', { ...options, request: { limitPerClass: 3 } });
  assert.equal(other.trained, true);
  assert.equal(other.result!.metrics.n, 3 * 7);

  // A modified model file is refused by its checksum and retrained.
  fs.appendFileSync(path.join(other.dir, 'classic.json'), ' ');
  assert.match(zooModelMismatch(other.dir, other.request)!, /checksum/);
  assert.equal(
    (await ensureZooModel('seed004-svm', { ...options, request: { limitPerClass: 3 } })).trained,
    true,
  );
  // A directory without its request stamp (e.g. written by ser train --model) is retrained.
  fs.rmSync(path.join(other.dir, 'request.json'));
  assert.match(zooModelMismatch(other.dir, other.request)!, /request\.json/);
  assert.equal(zooModelMismatch(path.join(modelsDir, 'missing'), other.request), 'no model directory');
  assert.equal((await ensureZooModel('seed004-svm', { ...options, retrain: false })).trained, true);
  assert.equal((await ensureZooModel('seed004-svm', { ...options, retrain: true })).trained, true);
});

test('ensureZooModel: a neural model reports every epoch and stores its history', async () => {
  const root = realDataRoot('tess');
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-zoo-'));
  const epochs: FitEpochLog[] = [];
  const m = await ensureZooModel('seed004-mlp', {
    root,
    corpora: ['tess'],
    quick: true,
    modelsDir,
    onEpoch: (log) => epochs.push(log),
  });
  assert.equal(m.trained, true);
  assert.deepEqual(
    epochs.map((e) => e.epoch),
    [1, 2],
  );
  assert.equal(m.meta.payload.training.history.length, 2);
  const loaded = await ensureZooModel('seed004-mlp', { root, corpora: ['tess'], quick: true, modelsDir });
  assert.equal(loaded.trained, false);
  assert.deepEqual(
    loaded.history.map((h) => h.loss),
    epochs.map((e) => e.loss),
  );

  // What the notebooks show about it: outcome, curves titled with the protocol, plan and result rows.
  const outcome = trainingOutcome(loaded);
  assert.deepEqual(
    { max: outcome.maxEpochs, run: outcome.epochsRun, early: outcome.stoppedEarly },
    { max: 2, run: 2, early: false },
  );
  assert.equal(outcome.bestEpoch, m.meta.payload.training.finalEpoch);
  const fig = zooTrainingFigure(loaded);
  assert.match(
    fig.layout.title!.text,
    /^seed004-mlp: .*2 epochs.*speaker-independent, fold 1\/2 by speaker \(tess\)/,
  );
  assert.equal(planRow(loaded.request)['max epochs'], 2);
  const row = resultRow(loaded);
  assert.equal(row.epochs, '2 / 2');
  assert.equal(row['test clips'], 14);
  assert.equal(row['test fold'], 'fold 1/2');
  const classic = await ensureZooModel('seed004-rf', { root, corpora: ['tess'], quick: true, modelsDir });
  assert.equal(trainingOutcome(classic).maxEpochs, null);
  assert.equal(resultRow(classic).epochs, '–');
  assert.throws(() => zooTrainingFigure(classic), /classic model/);

  // The live hook redraws the curves so far on every epoch.
  const drawn: string[] = [];
  const onEpoch = liveTrainingCurves({ update: (f) => drawn.push(f.layout.title!.text) }, 'seed004-mlp');
  loaded.history.forEach((h) => onEpoch(h));
  assert.equal(drawn.length, 2);
  assert.match(drawn[1], /epoch 2, loss/);
});
