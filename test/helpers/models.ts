import * as assert from 'node:assert/strict';
import { tf } from '../../lib/backend';

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
