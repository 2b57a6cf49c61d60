/**
 * The evaluation notebook's helpers on real corpora: a zoo model under the random and cross-corpus protocols,
 * speaker-level intervals, the classification report as rows, the most confident mistakes.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { evaluateModelDir } from '../../lib/evaluate';
import {
  classificationReportRows,
  confidentMistakes,
  ensureZooModel,
  evaluateOnProtocol,
  headlineRows,
  notebookModelPlan,
  speakerIntervals,
} from '../../lib/notebook';
import { realDataRoot } from '../helpers/data';

test('evaluateOnProtocol: best under random and cross-corpus protocols, with report rows and mistakes', async () => {
  const root = realDataRoot('ravdess');
  const request = notebookModelPlan('best', ['tess', 'ravdess'], true);
  const random = await evaluateOnProtocol(request, 'random', { root, bootstrap: { nResamples: 50 } });
  assert.equal(random.report.protocol.kind, 'random');
  assert.equal(random.report.n, random.clips.length);
  assert.deepEqual(random.report.protocol.corpora, ['ravdess', 'tess']);
  assert.ok(
    random.report.metrics.accuracy > 1 / 8,
    `random-split accuracy ${random.report.metrics.accuracy}`,
  );

  const cross = await evaluateOnProtocol(request, 'cross', {
    root,
    corpora: ['ravdess', 'tess'],
    bootstrap: { nResamples: 50 },
  });
  assert.equal(cross.report.protocol.description, 'cross-corpus (train ravdess → test tess)');
  assert.ok(cross.clips.every((c) => c.corpus === 'tess'));
  // Quick plan: 2 clips per speaker and emotion; TESS has 2 speakers × 7 emotions.
  assert.equal(cross.report.n, 28);
  for (const p of cross.report.predictions ?? []) assert.ok(p.confidence! >= 0 && p.confidence! <= 1);

  const rows = classificationReportRows(random.report);
  assert.deepEqual(
    rows.map((r) => r['']),
    [...random.report.labels, 'accuracy', 'macro avg', 'weighted avg'],
  );
  assert.equal(
    rows[random.report.labels.length]['f1-score'],
    Number(random.report.metrics.accuracy.toFixed(3)),
  );
  assert.equal(rows.at(-1)!.support, random.report.n);

  const mistakes = confidentMistakes(random.report, 3);
  assert.ok(mistakes.length <= 3);
  for (const m of mistakes) {
    assert.notEqual(m.predicted, m.trueLabel);
    assert.equal(random.report.predictions![m.index].id, m.id);
  }
  for (let i = 1; i < mistakes.length; i++) assert.ok(mistakes[i - 1].confidence! >= mistakes[i].confidence!);
  // One example per confusion.
  const confusions = mistakes.map((m) => `${m.trueLabel}→${m.predicted}`);
  assert.equal(new Set(confusions).size, confusions.length);
});

test('evaluateModelDir clips and speakerIntervals: whole test speakers resampled; null with one speaker', async () => {
  const root = realDataRoot('ravdess');
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-eval-'));
  const corpora = ['tess', 'ravdess'];
  const best = await ensureZooModel('best', { root, corpora, quick: true, modelsDir });
  const evaluation = await evaluateModelDir({
    modelDir: best.dir,
    corpus: corpora.join(','),
    root,
    progress: false,
    limitPerClass: best.request.limitPerClass ?? undefined,
    nResamples: 300,
  });
  const clips = evaluation.clips!;
  assert.equal(clips.length, evaluation.report.n);
  assert.deepEqual(
    evaluation.report.predictions!.map((p) => p.id),
    clips.map((c) => c.id),
  );
  assert.equal(evaluation.report.intervals.accuracy.method, 'percentile');
  const bySpeaker = speakerIntervals(evaluation.report, clips, { nResamples: 300 })!;
  assert.equal(bySpeaker.accuracy.method, 'cluster-percentile');
  for (const m of ['accuracy', 'uar', 'macroF1', 'weightedF1'] as const) {
    assert.equal(bySpeaker[m].estimate, evaluation.report.metrics[m]);
    assert.ok(bySpeaker[m].lower <= bySpeaker[m].estimate && bySpeaker[m].estimate <= bySpeaker[m].upper);
  }
  const rows = headlineRows(evaluation.report, bySpeaker);
  assert.deepEqual(
    rows.map((r) => r.metric),
    ['accuracy', 'UAR', 'macro F1', 'weighted F1'],
  );
  const one = clips.map(() => ({ corpus: 'tess', speaker: 'OAF' }));
  assert.equal(speakerIntervals(evaluation.report, one), null);
  assert.match(
    String(headlineRows(evaluation.report, null)[0]['value [95 % interval, speakers resampled]']),
    /n\/a/,
  );
});
