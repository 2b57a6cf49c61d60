/**
 * `ser evaluate --html` and `ser compare` as a user runs them, on two slice models trained on the synthetic
 * sample (different seeds, same held-out speaker).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSyntheticSample } from '../../lib/data/synthetic';
import type { ModelComparison } from '../../lib/evaluate/compare';
import type { EvaluationReport } from '../../lib/evaluate/evaluation-report';
import { runSer as ser } from '../helpers/cli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-compare-'));
const root = path.join(tmp, 'data');
generateSyntheticSample(root, { words: 6 });

function trainModel(name: string, seed: string, epochs: string): string {
  const out = path.join(tmp, name);
  const t = ser([
    'train',
    '--model',
    'best-mlp',
    '--corpus',
    'synthetic',
    '--root',
    root,
    '--out',
    out,
    '--seed',
    seed,
    '--epochs',
    epochs,
  ]);
  assert.equal(t.code, 0, t.stderr);
  return out;
}

test('ser evaluate --html writes one self-contained page; --json carries the report with its protocol', () => {
  const model = trainModel('m1', '1', '8');
  const page = path.join(tmp, 'eval.html');
  const e = ser([
    'evaluate',
    '--model-dir',
    model,
    '--corpus',
    'synthetic',
    '--root',
    root,
    '--json',
    '--html',
    page,
  ]);
  assert.equal(e.code, 0, e.stderr);
  const result = JSON.parse(e.stdout) as { protocol: string; report: EvaluationReport; accuracy: number };
  assert.equal(result.report.protocol.kind, 'speaker');
  const description = result.report.protocol.description;
  assert.equal(result.protocol, `${description} · global normalisation`);
  assert.equal(result.report.metrics.accuracy, result.accuracy);
  assert.equal(result.report.predictions?.length, result.report.n);
  const html = fs.readFileSync(page, 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  // Confusion, per-class, per-speaker, confidence and learning-curve figures, all drawn with the one bundle.
  assert.equal((html.match(/class="ser-figure"/g) ?? []).length, 5);
  assert.equal((html.match(/var define, module, exports;/g) ?? []).length, 1, 'plotly.js inlined once');
  assert.ok(html.includes(`<p class="protocol">${description} · ${result.report.n} clips</p>`));
  assert.match(html, /Learning curves/);
  assert.ok(!/<script[^>]+src=/.test(html), 'no external scripts');

  const text = ser(['evaluate', '--model-dir', model, '--corpus', 'synthetic', '--root', root]);
  assert.equal(text.code, 0, text.stderr);
  assert.ok(text.stdout.startsWith(`${description} — ${result.report.n} clips`), text.stdout);
  assert.match(text.stdout, /macro avg/);
});

test('ser compare: two models on the same clips, side by side with McNemar; user errors in one line', () => {
  const a = path.join(tmp, 'm1');
  const b = trainModel('m2', '2', '2');
  const c = ser(['compare', a, b, '--corpus', 'synthetic', '--root', root, '--json']);
  assert.equal(c.code, 0, c.stderr);
  const cmp = JSON.parse(c.stdout) as ModelComparison;
  assert.equal(cmp.n, 42, 'one held-out synthetic speaker: 7 emotions × 6 words');
  assert.deepEqual(
    cmp.models.map((m) => m.name),
    [a, b],
  );
  assert.match(cmp.protocol, /^speaker-independent \(synthetic: /);
  assert.ok(cmp.mcnemar.pValue > 0 && cmp.mcnemar.pValue <= 1);
  assert.equal(cmp.mcnemar.bothCorrect + cmp.mcnemar.onlyA + cmp.mcnemar.onlyB + cmp.mcnemar.bothWrong, 42);
  const accA = cmp.models[0].metrics.accuracy;
  assert.equal((cmp.mcnemar.bothCorrect + cmp.mcnemar.onlyA) / 42, accA);

  const text = ser(['compare', a, b, '--corpus', 'synthetic', '--root', root]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /McNemar \(exact binomial\)|McNemar \(χ²/);
  assert.match(text.stdout, /42 clips compared/);

  const one = ser(['compare', a, '--corpus', 'synthetic', '--root', root]);
  assert.equal(one.code, 1);
  assert.match(one.stderr.trim(), /^ser: compare: give exactly two model directories, got 1/);
});
