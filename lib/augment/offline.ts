/**
 * Offline expansion: render planned copies to WAV files with their provenance, and (optionally) their
 * features into the feature cache under the copy's own content hash.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeWav } from '../audio/encode';
import { loadAudioSync } from '../audio/load';
import { contentHash, FeatureCache } from '../features/cache';
import type { FeatureConfig } from '../features/extract';
import { meydaStats } from '../features/meyda-stats';
import { extractSet } from '../features/sets';
import type { ManifestRow } from '../data/manifest';
import { writeFileAtomic } from '../util/atomic';
import { progressBar } from '../util/progress';
import { Rng } from '../util/rng';
import { applyRecipe, recipeHash, type AppliedStep, type AugmentResult, type Recipe } from './compose';
import type { AugmentedCopy } from './training';

/** A rendered copy: its provenance, file and what was done. */
export interface RenderedCopy extends AugmentedCopy {
  /** WAV file, relative to the output folder. */
  file: string;
  /** SHA-256 of the WAV's bytes: the copy's key in the feature cache. */
  contentHash: string;
  sampleRate: number;
  samples: number;
  steps: AppliedStep[];
  range: AugmentResult['range'];
}

/** What `<out>/augmented.json` holds. */
export interface AugmentedSet {
  version: 1;
  recipe: Recipe;
  recipeHash: string;
  /** Feature-cache config hash the copies' features were stored under, if any. */
  featureConfigHash?: string;
  copies: RenderedCopy[];
}

/** Options of {@link renderCopies}. */
export interface RenderOptions {
  /** Rate the sources are loaded at. Default: the feature config's, else 22050. */
  sampleRate?: number;
  /** Also compute these features of each copy and store them in the feature cache. */
  featureConfig?: FeatureConfig;
  /** Feature-cache root. Default lib/features' default. */
  cacheRoot?: string;
  /** Show a progress bar. Default true. */
  progress?: boolean;
}

/**
 * Render `plan` (from `planTrainingCopies`) for `rows`: load each source, apply `recipe` with the copy's
 * seed, write `<outDir>/audio/<id>.wav` (16-bit PCM) and, at the end, `<outDir>/augmented.json` with every
 * copy's provenance. Returns that set.
 */
export function renderCopies(
  plan: readonly AugmentedCopy[],
  rows: readonly ManifestRow[],
  recipe: Recipe,
  outDir: string,
  options: RenderOptions = {},
): AugmentedSet {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const sampleRate = options.sampleRate ?? options.featureConfig?.sampleRate ?? 22050;
  const cache = options.featureConfig
    ? new FeatureCache(options.featureConfig, options.cacheRoot)
    : undefined;
  const bar = options.progress === false ? undefined : progressBar('augment', plan.length);
  const copies: RenderedCopy[] = [];
  let current = '';
  let source: Float32Array = new Float32Array(0);
  for (const copy of plan) {
    const row = byId.get(copy.sourceId);
    if (!row) throw new Error(`augment: ${copy.sourceId} is not in the manifest`);
    if (current !== row.id) {
      source = loadAudioSync(row.path, { sampleRate }).samples;
      current = row.id;
    }
    const result = applyRecipe(recipe, source, sampleRate, new Rng(copy.seed));
    const bytes = encodeWav([result.audio], sampleRate);
    const file = path.join('audio', `${copy.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.wav`);
    fs.mkdirSync(path.join(outDir, 'audio'), { recursive: true });
    writeFileAtomic(path.join(outDir, file), bytes);
    const hash = contentHash(bytes);
    if (cache && options.featureConfig) {
      const audio = { samples: result.audio, sampleRate };
      const config = options.featureConfig;
      cache.put(hash, config.kind === 'librosa' ? extractSet(audio, config) : meydaStats(audio, config));
    }
    copies.push({
      ...copy,
      file,
      contentHash: hash,
      sampleRate,
      samples: result.audio.length,
      steps: result.steps,
      range: result.range,
    });
    bar?.tick();
  }
  bar?.done();
  const set: AugmentedSet = {
    version: 1,
    recipe,
    recipeHash: recipeHash(recipe),
    ...(cache ? { featureConfigHash: cache.configHash } : {}),
    copies,
  };
  writeFileAtomic(path.join(outDir, 'augmented.json'), JSON.stringify(set, null, 1) + '\n');
  return set;
}
