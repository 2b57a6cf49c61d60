/**
 * The protocol registry and its runner on small real subsets: folds and means, the same numbers as training
 * each fold directly, and the trained-model cache (hit, miss on other data or recipe, partial or tampered
 * directory retrained).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PROTOCOLS, protocolByName, readCachedFold, runProtocol } from '../../lib/evaluate/protocols';
import { featureSet } from '../../lib/features/sets';
import { loadFeatureTable, makeSplit, trainFold } from '../../lib/train';
import { realDataRoot } from '../helpers/data';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('the registry names each protocol once and refuses an unknown name in one line', () => {
  const names = PROTOCOLS.map((p) => p.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of ['tess-random', 'tess-speaker', 'ravdess-speaker', 'ravdess-to-tess'])
    assert.ok(names.includes(n));
  assert.throws(() => protocolByName('tess-nope'), /unknown protocol "tess-nope" \(valid: tess-random, /);
});

test('runProtocol on TESS speakers tests OAF and YAF in turn, and each fold equals trainFold on the same split', async () => {
  const root = realDataRoot('tess');
  const r = await runProtocol('seed004-rf', 'tess-speaker', {
    root,
    limitPerClass: 3,
    normalisation: 'per-speaker',
  });
  assert.deepEqual(r.folds.map((f) => f.test).sort(), ['OAF', 'YAF']);
  assert.equal(r.uar, mean(r.folds.map((f) => f.uar)));
  assert.equal(r.accuracy, mean(r.folds.map((f) => f.accuracy)));
  for (const f of r.folds) {
    assert.equal(f.yTrue.length, 3 * 7);
    assert.equal(f.cached, false);
  }
  // The same fold trained by hand (split seed 0, model seed 42): the same predictions.
  const table = await loadFeatureTable(['tess'], root, featureSet('seed004'), {
    limitPerClass: 3,
    progress: false,
  });
  const split = makeSplit(table, 'speaker', { seed: 0 });
  const direct = await trainFold(table, split, 1, {
    model: 'seed004-rf',
    seed: 42,
    normalisation: 'per-speaker',
  });
  assert.deepEqual(direct.yPred, r.folds[1].yPred);
  assert.equal(direct.metrics.uar, r.folds[1].uar);
});

test('the model cache: a re-run reloads every fold; other clips or another recipe train anew; a partial directory is retrained', async () => {
  const root = realDataRoot('tess');
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-protocol-cache-'));
  const options = { root, limitPerClass: 2, training: { epochs: 2 }, cacheDir };
  const first = await runProtocol('seed004-mlp', 'tess-speaker', options);
  assert.deepEqual(
    first.folds.map((f) => f.cached),
    [false, false],
  );
  const again = await runProtocol('seed004-mlp', 'tess-speaker', options);
  assert.deepEqual(
    again.folds.map((f) => f.cached),
    [true, true],
  );
  assert.deepEqual(
    again.folds.map((f) => [f.uar, f.yPred, f.seconds, f.epochs, f.dir]),
    first.folds.map((f) => [f.uar, f.yPred, f.seconds, f.epochs, f.dir]),
  );

  // Other clips (a larger subset) and another recipe (3 epochs) get directories of their own.
  const moreClips = await runProtocol('seed004-mlp', 'tess-speaker', { ...options, limitPerClass: 3 });
  assert.ok(moreClips.folds.every((f) => !f.cached && !first.folds.some((g) => g.dir === f.dir)));
  const otherRecipe = await runProtocol('seed004-mlp', 'tess-speaker', {
    ...options,
    training: { epochs: 3 },
  });
  assert.ok(otherRecipe.folds.every((f) => !f.cached && f.epochs === 3));

  // A directory missing a model file, or with a foreign stamp, is refused and retrained.
  const dir = first.folds[0].dir!;
  fs.rmSync(path.join(dir, 'weights.bin'));
  const identity = JSON.parse(
    fs.readFileSync(path.join(first.folds[1].dir!, 'protocol-cache.json'), 'utf8'),
  ) as {
    identity: Record<string, unknown>;
  };
  assert.match(readCachedFold(dir, identity.identity) as string, /missing weights\.bin/);
  assert.match(readCachedFold(first.folds[1].dir!, { other: true }) as string, /another recipe or data/);
  const repaired = await runProtocol('seed004-mlp', 'tess-speaker', options);
  assert.deepEqual(
    repaired.folds.map((f) => f.cached),
    [false, true],
  );
  assert.deepEqual(repaired.folds[0].yPred, first.folds[0].yPred);
  // No temp directory is left beside the cached folds.
  assert.deepEqual(
    fs.readdirSync(path.dirname(dir)).filter((n) => n.startsWith('.')),
    [],
  );
  fs.rmSync(cacheDir, { recursive: true, force: true });
});
