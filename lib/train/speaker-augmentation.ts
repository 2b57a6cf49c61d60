/**
 * Speaker augmentation (lib/augment/speaker.ts) of a fold's training side for per-clip feature models: every
 * recipe copies every training clip into a pseudo-speaker (`<speaker>#aug<k>`). Only training clips are ever
 * copied (re-checked with lib/augment's leak guard); copies' features are cached by (source audio, recipe,
 * seed, feature set).
 */
import { createHash } from 'node:crypto';
import { applyRecipe, copySeed, recipeHash } from '../augment/compose';
import { augmentedSpeaker, type SpeakerAugmentation } from '../augment/speaker';
import { assertNoLeak } from '../augment/training';
import { loadAudioSync } from '../audio/load';
import type { ManifestRow } from '../data/manifest';
import { speakerKey, type Split } from '../data/split';
import { FeatureCache } from '../features/cache';
import { extractSet } from '../features/sets';
import { progressBar } from '../util/progress';
import { Rng } from '../util/rng';
import type { FeatureTable } from './dataset';

/** Augmented training rows: manifest rows of the copies (pseudo-speakers) and their feature vectors. */
export interface AugmentedRows {
  records: ManifestRow[];
  vectors: Float32Array[];
}

/**
 * Copies of the training side of fold `foldIndex` under every recipe of `augmentation`, with features of
 * `table`'s set (a 'stats' set: per-clip vectors). Throws if a copy would come from a held-out clip.
 */
export function speakerAugmentedRows(
  table: FeatureTable,
  split: Split,
  foldIndex: number,
  augmentation: SpeakerAugmentation,
  options: { progress?: boolean; cacheRoot?: string } = {},
): AugmentedRows {
  const fold = split.folds[foldIndex];
  const byId = new Map(table.rows.map((r) => [r.id, r]));
  const train = fold.train.map((id) => byId.get(id)!).filter((r) => r !== undefined);
  const cache = new FeatureCache(table.features, options.cacheRoot);
  const records: ManifestRow[] = [];
  const vectors: Float32Array[] = [];
  const copies = augmentation.recipes.flatMap((recipe, k) =>
    train.map((row) => ({ row, recipe, k, id: `${row.id}#aug${k}`, sourceId: row.id })),
  );
  assertNoLeak(
    copies.map((c) => ({ id: c.id, sourceId: c.sourceId, sourceContentHash: c.row.contentHash })),
    { hash: split.manifestHash, rows: table.rows },
    fold,
  );
  const bar = options.progress ? progressBar('speaker augmentation', copies.length) : undefined;
  for (const { row, recipe, k, id } of copies) {
    const speaker = augmentedSpeaker(row.speaker, k);
    // One seed per (speaker, recipe): every clip of the speaker draws the same parameters.
    const seed = copySeed(augmentation.seed, speakerKey(row), k);
    const key = createHash('sha256')
      .update(`speaker-augmentation/${row.contentHash}/${recipeHash(recipe)}/${seed}`)
      .digest('hex');
    let vector = cache.get(key);
    if (!vector) {
      const sr = table.features.sampleRate;
      const audio = applyRecipe(
        recipe,
        loadAudioSync(row.path, { sampleRate: sr }).samples,
        sr,
        new Rng(seed),
      );
      vector = extractSet({ samples: audio.audio, sampleRate: sr }, table.features);
      cache.put(key, vector);
    }
    records.push({ ...row, id, speaker });
    vectors.push(vector);
    bar?.tick();
  }
  bar?.done();
  return { records, vectors };
}
