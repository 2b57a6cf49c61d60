/**
 * `ser train --model … --split …` as a user runs it: a zoo model on a real TESS subset writes a version-2
 * model directory and a JSON summary; bad names are one-line errors.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readModelMeta } from '../../lib/models/model-dir';
import type { TrainedModelPayload } from '../../lib/train';
import { realDataRoot } from '../helpers/data';
import { runSer as ser, trainOnTess } from '../helpers/cli';

test('ser train --model seed004-svm --split speaker: model directory, protocol and metrics', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ser-train-')), 'svm');
  const root = realDataRoot('tess');
  const r = trainOnTess('seed004-svm', out, [
    '--split',
    'speaker',
    '--fold',
    '2',
    '--limit-per-class',
    '10',
    '--normalise',
    'per-speaker',
    '--json',
  ]);
  const summary = JSON.parse(r.stdout) as {
    protocol: string;
    fold: string;
    n: number;
    accuracy: number;
    normalisation: string;
  };
  assert.equal(summary.protocol, 'speaker');
  assert.equal(summary.fold, 'fold 2/2');
  assert.equal(summary.n, 70);
  assert.equal(summary.normalisation, 'per-speaker');
  assert.ok(summary.accuracy > 1 / 7, `accuracy ${summary.accuracy} above chance`);
  const meta = readModelMeta<TrainedModelPayload>(out);
  assert.equal(meta.kind, 'classic');
  assert.equal(meta.payload.model.name, 'seed004-svm');
  assert.equal(meta.payload.normaliser.kind, 'per-speaker');
  // The typical training speaker a stream is normalised towards before it has speech of its own.
  const prior = meta.payload.normaliser.kind === 'per-speaker' ? meta.payload.normaliser.prior : undefined;
  assert.ok(prior && prior.mean.length === meta.payload.shape[0] && prior.std.every((s) => s > 0));
  assert.equal(meta.payload.metrics.test.accuracy, summary.accuracy);

  // ser predict loads the version-2 directory; per-speaker normalisation needs enough clips of one speaker.
  const dir = path.join(root, 'tess', 'YAF_sad');
  const clips = fs
    .readdirSync(dir)
    .sort()
    .slice(0, 12)
    .map((f) => path.join(dir, f));
  const few = ser(['predict', '--model-dir', out, ...clips.slice(0, 2)]);
  assert.equal(few.code, 1);
  assert.match(few.stderr.trim(), /^ser: .*at least 10 clips of one speaker/);
  const p = ser(['predict', '--model-dir', out, ...clips, '--json']);
  assert.equal(p.code, 0, p.stderr);
  const preds = JSON.parse(p.stdout) as { file: string; label: string; scores: Record<string, number> }[];
  assert.deepEqual(
    preds.map((x) => x.file),
    clips,
  );
  for (const x of preds) {
    assert.ok(meta.labels.includes(x.label));
    const best = Object.entries(x.scores).sort((a, b) => b[1] - a[1])[0][0];
    assert.equal(best, x.label);
  }

  // ser evaluate rebuilds the same split and fold and reproduces the metrics recorded at training.
  const ev = ser([
    'evaluate',
    '--model-dir',
    out,
    '--corpus',
    'tess',
    '--root',
    root,
    '--limit-per-class',
    '10',
    '--json',
  ]);
  assert.equal(ev.code, 0, ev.stderr);
  const evaluation = JSON.parse(ev.stdout) as { accuracy: number; n: number; protocol: string };
  assert.equal(evaluation.n, summary.n);
  assert.equal(evaluation.accuracy, summary.accuracy);
  assert.match(evaluation.protocol, /speaker-independent.*per-speaker normalisation/);
  const other = ser([
    'evaluate',
    '--model-dir',
    out,
    '--corpus',
    'tess',
    '--root',
    root,
    '--limit-per-class',
    '11',
  ]);
  assert.equal(other.code, 1);
  assert.match(other.stderr.trim(), /^ser: .*manifest hash differs/);
});

test('ser train: unknown --model or --split is a one-line error', () => {
  const out = path.join(os.tmpdir(), `ser-train-bad-${process.pid}`);
  for (const [args, name] of [
    [['--model', 'nope'], 'nope'],
    [['--model', 'seed000', '--split', 'sideways'], 'sideways'],
  ] as const) {
    const r = ser(['train', ...args, '--corpus', 'tess', '--out', out]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(name), r.stderr);
  }
});
