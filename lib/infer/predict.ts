/**
 * Predict emotions of audio files with a saved model directory: every file goes through exactly the
 * feature config and normaliser stored with the model.
 */
import { initBackend } from '../backend';
import { argmax } from '../evaluate/metrics';
import { predictProbabilities } from '../evaluate/evaluate-dir';
import { fileFeatures } from '../features/extract';
import { standardize } from '../features/standardize';
import { loadModelDir } from '../models/model-dir';
import type { SlicePayload } from '../train/slice';

export interface Prediction {
  file: string;
  label: string;
  scores: Record<string, number>;
}

/** Predict each file; a file that cannot be read or decoded throws a one-line error naming it. */
export async function predictFiles(modelDir: string, files: string[]): Promise<Prediction[]> {
  await initBackend();
  const { model, meta } = await loadModelDir<SlicePayload>(modelDir);
  try {
    const rows: Float32Array[] = [];
    for (const file of files)
      rows.push(standardize(meta.payload.normaliser, await fileFeatures(file, meta.payload.features)));
    return predictProbabilities(model, rows).map((p, i) => ({
      file: files[i],
      label: meta.labels[argmax(p)],
      scores: Object.fromEntries(meta.labels.map((l, j) => [l, p[j]])),
    }));
  } finally {
    model.dispose();
  }
}
