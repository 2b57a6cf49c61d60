import * as assert from 'node:assert/strict';
import { tf } from '../../lib/backend';
import { zooEntry, type ZooModelName } from '../../lib/models/zoo';
import { trainModel } from '../../lib/train/train-model';

/** Saves to memory and loads back (the same path as files or IndexedDB, minus the storage). */
export async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  assert.ok(saved);
  return tf.loadLayersModel(tf.io.fromMemory(saved));
}

/**
 * Registry model `name` trained small on real TESS under `root` into `out`: a random split of 3 clips per speaker
 * × emotion, 1 epoch for networks, no speaker augmentation (the contract tests' fit → save → load).
 */
export function trainSmallRegistryModel(name: ZooModelName, root: string, out: string) {
  return trainModel({
    model: name,
    corpora: ['tess'],
    root,
    split: 'random',
    limitPerClass: 3,
    training: zooEntry(name).kind === 'neural' ? { epochs: 1 } : undefined,
    augment: null,
    out,
    progress: false,
  });
}
