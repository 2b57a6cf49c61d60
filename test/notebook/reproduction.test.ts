/**
 * Notebook 05's seed reproduction on a small real case: its figures are the protocol runner's (so bench/accuracy's
 * for the same model, protocol and seeds), a second run loads every fold from the cache, measured figures are read
 * from a bench/accuracy output, and the table row says what was run, loaded or measured.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runProtocol } from '../../lib/evaluate/protocols';
import {
  QUICK_CLIPS_PER_CLASS,
  QUICK_EPOCHS,
  SEED_SYSTEMS,
  measuredFigure,
  reproduceSeed,
  reproductionRow,
  reproductionRuns,
} from '../../lib/notebook';
import { realDataRoot } from '../helpers/data';

test('the seed reproduction gives the protocol runner figures, and a second run loads every fold from the cache', async () => {
  const root = realDataRoot('tess');
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-repro-'));
  const runs = reproductionRuns(['tess-speaker']);
  const lines: string[] = [];
  const options = { root, quick: true, cacheDir, runs, log: (l: string) => lines.push(l) };
  const rep = await reproduceSeed('seed004-mlp', options);
  assert.deepEqual(
    rep.results.map((r) => [r.protocol, r.normalisation, r.folds, r.trained, r.source]),
    [
      ['tess-random', 'global', 1, 1, 'run'],
      ['tess-speaker', 'per-speaker', 2, 2, 'run'],
    ],
  );
  // What bench/accuracy computes for the same model, protocol, seeds and budget (no cache): the same numbers.
  const bench = await runProtocol('seed004-mlp', 'tess-speaker', {
    root,
    normalisation: 'per-speaker',
    limitPerClass: QUICK_CLIPS_PER_CLASS,
    training: { epochs: QUICK_EPOCHS },
  });
  assert.equal(rep.results[1].accuracy, bench.accuracy);
  assert.equal(rep.results[1].uar, bench.uar);
  assert.equal(lines.length, 3);
  assert.match(
    lines[1],
    /^seed004-mlp · tess-speaker · fold 1\/2 \(test OAF\): trained in [\d.]+ s, accuracy [\d.]+ %/,
  );

  const again = await reproduceSeed('seed004-mlp', options);
  assert.deepEqual(
    again.results.map((r) => [r.trained, r.accuracy]),
    rep.results.map((r) => [0, r.accuracy]),
  );
  assert.match(lines[3], /loaded from cache \(trained earlier in [\d.]+ s\)/);
  const system = SEED_SYSTEMS.find((s) => s.model === 'seed004-mlp')!;
  const row = reproductionRow(system, again);
  assert.equal(row['published (TESS random)'], 'not reported');
  assert.equal(row['models this run'], '3 loaded from cache');
  assert.equal(row['ours: RAVDESS actor folds UAR (mean)'], '–');
  assert.equal(row['ours: TESS OAF↔YAF accuracy (mean)'], `${(100 * rep.results[1].accuracy).toFixed(1)} %`);
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

test('measured figures come from a bench/accuracy output and are starred in the table', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-measured-'));
  const file = path.join(dir, 'measured.json');
  const row = {
    model: 'seed002',
    protocol: 'ravdess-speaker',
    normalisation: 'per-speaker',
    accuracy: 0.41,
    uar: 0.4,
  };
  fs.writeFileSync(
    file,
    JSON.stringify({ rows: [{ ...row, macroF1: 0.39, trainSeconds: 500, folds: [1, 2, 3, 4, 5] }] }),
  );
  const run = { protocol: 'ravdess-speaker', normalisation: 'per-speaker' as const };
  const figure = measuredFigure(file, 'seed002', run)!;
  assert.deepEqual([figure.uar, figure.folds, figure.trained, figure.source], [0.4, 5, 0, 'measured.json']);
  assert.equal(measuredFigure(file, 'seed003', run), undefined);
  const system = SEED_SYSTEMS.find((s) => s.model === 'seed002')!;
  const r = reproductionRow(system, { model: 'seed002', results: [figure] });
  assert.equal(r['published (TESS random)'], 'accuracy 94.39 %');
  assert.equal(r['ours: RAVDESS actor folds UAR (mean)'], '40.0 % *');
  assert.equal(r['models this run'], '0 loaded from cache');
  fs.rmSync(dir, { recursive: true, force: true });
});
