/**
 * A feature worker thread: extracts the batches of files extract.ts posts (through the shared on-disk cache)
 * and posts the vectors back, until the extractor terminates it.
 */
import { parentPort } from 'node:worker_threads';
import { FeatureCache } from './cache';
import { extractFileSync, type ExtractBatch, type ExtractBatchResult } from './extract';

const caches = new Map<string, FeatureCache>();

parentPort?.on('message', (batch: ExtractBatch) => {
  let cache: FeatureCache | undefined;
  if (batch.cacheDir !== null) {
    const key = `${batch.cacheDir}\n${JSON.stringify(batch.config)}`;
    cache = caches.get(key) ?? new FeatureCache(batch.config, batch.cacheDir);
    caches.set(key, cache);
  }
  const result: ExtractBatchResult = {
    id: batch.id,
    outcomes: batch.files.map((f) => extractFileSync(f, batch.config, cache)),
  };
  const transfer = result.outcomes.flatMap((o) => (o.vector ? [o.vector.buffer as ArrayBuffer] : []));
  parentPort?.postMessage(result, transfer);
});
