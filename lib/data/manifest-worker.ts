/**
 * A manifest worker thread: probes the batches of files the manifest builder posts (see manifest.ts) and
 * posts the outcomes back, until the builder terminates it.
 */
import { parentPort } from 'node:worker_threads';
import { probeFile } from './probe';
import type { ProbeBatch, ProbeBatchResult } from './manifest';

parentPort?.on('message', (batch: ProbeBatch) => {
  const result: ProbeBatchResult = { id: batch.id, outcomes: batch.paths.map(probeFile) };
  parentPort?.postMessage(result);
});
