/**
 * Feature extraction over files: decode → mono → resample to the feature set's rate → per-clip vector.
 * Files that fail to decode are returned as skipped with the one-line reason, never silently dropped.
 */
import { loadAudio } from '../audio/load';
import { progressBar } from '../util/progress';
import { oneLine } from '../util/errors';
import { meydaStats, type MeydaStatsConfig } from './meyda-stats';

/** Feature-set configs known to this version (more arrive with the features issue). */
export type FeatureConfig = MeydaStatsConfig;

/** One file's feature vector. */
export async function fileFeatures(file: string, config: FeatureConfig): Promise<Float32Array> {
  const audio = await loadAudio(file, { sampleRate: config.sampleRate });
  return meydaStats(audio, config);
}

export interface ExtractResult {
  /** Feature vectors, aligned with `files` (undefined where the file was skipped). */
  vectors: (Float32Array | undefined)[];
  skipped: { path: string; reason: string }[];
}

/** Extract features for many files with a progress bar on stderr. */
export async function extractFeatures(
  files: string[],
  config: FeatureConfig,
  options: { label?: string; progress?: boolean } = {},
): Promise<ExtractResult> {
  const bar = options.progress === false ? undefined : progressBar(options.label ?? 'features', files.length);
  const vectors: (Float32Array | undefined)[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const file of files) {
    try {
      vectors.push(await fileFeatures(file, config));
    } catch (err) {
      vectors.push(undefined);
      skipped.push({ path: file, reason: oneLine(err) });
    }
    bar?.tick();
  }
  bar?.done();
  return { vectors, skipped };
}
