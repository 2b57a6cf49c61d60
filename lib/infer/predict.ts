/**
 * Predict files with a model directory in Node: lib/infer/clips.ts's batched clip prediction, with `{ path }`
 * clips read from disk.
 */
import * as fs from 'node:fs';
import { predictClips, setClipFileReader } from './clips';
import { UserError } from '../util/errors';
import { loadInferenceModel } from './load-model';
import { MIN_CLIPS_PER_SPEAKER } from './predictor';

export * from './clips';
export { MIN_CLIPS_PER_SPEAKER };

setClipFileReader((path) => {
  try {
    if (fs.statSync(path).isDirectory()) throw new UserError('is a directory, not an audio file', path);
    return fs.readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('no such file', path);
    throw err;
  }
});

export interface Prediction {
  file: string;
  /** Null (with null scores) where the file holds no speech. */
  label: string | null;
  scores: Record<string, number> | null;
}

/**
 * Predict each file with the model directory `modelDir` (loaded for this call). A file that cannot be read or
 * decoded throws a one-line error naming it; {@link predictClips} with a loaded model keeps going instead.
 */
export async function predictFiles(modelDir: string, files: string[]): Promise<Prediction[]> {
  const model = await loadInferenceModel(modelDir);
  try {
    const results = predictClips(
      model,
      files.map((f) => ({ name: f, path: f })),
    );
    const failed = results.find((r) => r.error !== undefined);
    if (failed) throw new UserError(failed.error!);
    return results.map((r) => ({ file: r.file, label: r.label ?? null, scores: r.scores ?? null }));
  } finally {
    model.dispose();
  }
}
