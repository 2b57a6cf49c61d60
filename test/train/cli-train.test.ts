/**
 * `ser train --model … --split …` as a user runs it: a zoo model on a real TESS subset writes a version-2
 * model directory and a JSON summary; bad names are one-line errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readModelMeta } from '../../lib/models/model-dir';
import type { TrainedModelPayload } from '../../lib/train';
import { realDataRoot, repoRoot } from '../helpers/data';

function ser(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot(), 'bin', 'ser.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, SER_PROGRESS: '0' },
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('ser train --model seed004-svm --split speaker: model directory, protocol and metrics', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ser-train-')), 'svm');
  const root = realDataRoot('tess');
  const r = ser([
    'train',
    '--model',
    'seed004-svm',
    '--corpus',
    'tess',
    '--root',
    root,
    '--split',
    'speaker',
    '--fold',
    '1',
    '--limit-per-class',
    '10',
    '--normalise',
    'per-speaker',
    '--out',
    out,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as {
    protocol: string;
    fold: string;
    n: number;
    accuracy: number;
    normalisation: string;
  };
  assert.equal(summary.protocol, 'grouped-kfold');
  assert.equal(summary.fold, 'fold 2/2');
  assert.equal(summary.n, 70);
  assert.equal(summary.normalisation, 'per-speaker');
  assert.ok(summary.accuracy > 1 / 7, `accuracy ${summary.accuracy} above chance`);
  const meta = readModelMeta<TrainedModelPayload>(out);
  assert.equal(meta.kind, 'classic');
  assert.equal(meta.payload.model.name, 'seed004-svm');
  assert.equal(meta.payload.normaliser.kind, 'per-speaker');
  assert.equal(meta.payload.metrics.test.accuracy, summary.accuracy);
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
