/**
 * A worker thread of the classic models (lib/models/classic-threads.ts): waits for a job, takes its items (SVM
 * pairs, forest trees, blocks of rows to predict) from the job's shared counter until none is left, posts what
 * it made back, forever.
 */
import { receiveMessageOnPort, workerData, isMainThread, type MessagePort } from 'node:worker_threads';
import { CLASSIC_CTRL } from './classic-threads';
import { growTrees, predictForestRows, type ForestJob, type ForestPredictJob } from './forest';
import { runPairs, type PairJob } from './svm-pair';

export type ClassicJob =
  | ({ kind: 'svm-pairs' } & PairJob)
  | ({ kind: 'forest-trees' } & ForestJob)
  | ({ kind: 'forest-predict' } & ForestPredictJob);

function work(job: ClassicJob): unknown {
  switch (job.kind) {
    case 'svm-pairs':
      return runPairs(job);
    case 'forest-trees':
      return growTrees(job);
    case 'forest-predict':
      return predictForestRows(job);
  }
}

function serve(ctrl: Int32Array, port: MessagePort): never {
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, CLASSIC_CTRL.seq, seen);
    seen = Atomics.load(ctrl, CLASSIC_CTRL.seq);
    try {
      const job = receiveMessageOnPort(port)?.message as ClassicJob | undefined;
      if (!job) throw new Error('no job');
      port.postMessage(work(job));
      Atomics.store(ctrl, CLASSIC_CTRL.done, seen);
    } catch {
      Atomics.store(ctrl, CLASSIC_CTRL.done, -1);
    }
    Atomics.notify(ctrl, CLASSIC_CTRL.done);
  }
}

if (!isMainThread) {
  const { ctrl, port } = workerData as { ctrl: Int32Array; port: MessagePort };
  serve(ctrl, port);
}
