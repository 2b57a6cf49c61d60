/**
 * Model directories of pipelines (version 2, tfjs or classic) on disk: loading one as a {@link Pipeline} that
 * applies exactly the stored feature set, normaliser and frame count (what `ser evaluate`, `ser predict`,
 * streams, notebooks and benches call). The browser demo builds the same Pipeline from fetched files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../backend';
import { loadClassicModelDir, loadModelDir, readModelMeta } from '../models/model-dir';
import type { SerModelMeta } from '../models/model-format';
import type { ClassicState } from '../models/zoo';
import { UserError } from '../util/errors';
import { isPipelineMeta, Pipeline } from './pipeline';
import type { TrainedModelPayload } from './train-model';

/** Whether a model directory holds a pipeline, as `ser train` writes them. */
export function isPipelineDir(dir: string): boolean {
  return isPipelineMeta(readModelMeta<Partial<TrainedModelPayload>>(dir));
}

/**
 * A saved pipeline with a JSON side file that says what it was trained for (a cache's identity): its metadata
 * (checksums verified) and the side file, or why it cannot serve (no directory, missing, partial or tampered
 * files, not a pipeline, no readable side file).
 */
export function readPipelineWithSideFile<T>(
  dir: string,
  file: string,
): { meta: SerModelMeta<TrainedModelPayload>; side: T } | string {
  if (!fs.existsSync(path.join(dir, 'ser.json'))) return 'no model directory';
  let meta: SerModelMeta<TrainedModelPayload>;
  try {
    meta = readModelMeta<TrainedModelPayload>(dir);
  } catch (err) {
    return (err as Error).message;
  }
  if (!isPipelineMeta(meta)) return 'not written by ser train --model';
  try {
    return { meta, side: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T };
  } catch {
    return `no readable ${file}`;
  }
}

/**
 * Load a model directory (checksums verified) as a {@link Pipeline}. Directories of earlier versions (the thin
 * slice's) are refused in one line saying how to retrain.
 */
export async function loadPipeline(dir: string): Promise<Pipeline> {
  const meta = readModelMeta<Partial<TrainedModelPayload>>(dir);
  if (!isPipelineMeta(meta))
    throw new UserError(
      'written by an earlier version of ser (the thin slice, now retired): retrain it with `ser train --out DIR`',
      dir,
    );
  const full = meta as SerModelMeta<TrainedModelPayload>;
  if (meta.kind === 'classic') {
    const { state } = loadClassicModelDir<ClassicState, TrainedModelPayload>(dir);
    return new Pipeline(full, { kind: 'classic', state }, dir);
  }
  await initBackend();
  const { model } = await loadModelDir<TrainedModelPayload>(dir);
  return new Pipeline(full, { kind: 'tfjs', model }, dir);
}
