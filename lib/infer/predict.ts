/**
 * Predict emotions of audio files with a saved model directory: every file goes through exactly the
 * feature config and normaliser stored with the model. Both kinds of directory load: the thin slice's
 * and those of `ser train --model` (neural or classic).
 */
import { initBackend } from '../backend';
import { argmax } from '../evaluate/metrics';
import { predictProbabilities } from '../evaluate/evaluate-dir';
import { fileFeatures } from '../features/extract';
import { standardize } from '../features/standardize';
import { loadModelDir } from '../models/model-dir';
import type { SlicePayload } from '../train/slice';
import { isTrainedModelDir, loadTrainedModel } from '../train/trained-model';
import { MIN_CLIPS_PER_SPEAKER } from './predictor';

export { MIN_CLIPS_PER_SPEAKER };
import { UserError } from '../util/errors';

export interface Prediction {
  file: string;
  label: string;
  scores: Record<string, number>;
}

function toPredictions(files: string[], labels: string[], probs: number[][]): Prediction[] {
  return probs.map((p, i) => ({
    file: files[i],
    label: labels[argmax(p)],
    scores: Object.fromEntries(labels.map((l, j) => [l, p[j]])),
  }));
}

async function features(
  files: string[],
  config: Parameters<typeof fileFeatures>[1],
): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  for (const file of files) rows.push(await fileFeatures(file, config));
  return rows;
}

/** Predict each file; a file that cannot be read or decoded throws a one-line error naming it. */
export async function predictFiles(modelDir: string, files: string[]): Promise<Prediction[]> {
  if (isTrainedModelDir(modelDir)) {
    const model = await loadTrainedModel(modelDir);
    try {
      const p = model.meta.payload;
      let speakers: string[] | undefined;
      if (p.normaliser.kind === 'per-speaker') {
        if (files.length < MIN_CLIPS_PER_SPEAKER) {
          throw new UserError(
            `this model normalises each speaker with that speaker's own statistics: give at least ` +
              `${MIN_CLIPS_PER_SPEAKER} clips of one speaker in one call (got ${files.length})`,
            modelDir,
          );
        }
        speakers = files.map(() => 'input');
      }
      return toPredictions(files, model.labels, model.predict(await features(files, p.features), speakers));
    } finally {
      model.dispose();
    }
  }
  await initBackend();
  const { model, meta } = await loadModelDir<SlicePayload>(modelDir);
  try {
    const rows = (await features(files, meta.payload.features)).map((v) =>
      standardize(meta.payload.normaliser, v),
    );
    return toPredictions(files, meta.labels, predictProbabilities(model, rows));
  } finally {
    model.dispose();
  }
}
