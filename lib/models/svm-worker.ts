/**
 * A pair worker thread of the SVM (lib/models/svm-node.ts): waits for a job, takes one-vs-one pairs from the
 * job's shared counter and trains them into the job's shared result arrays, forever.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { PAIR_CTRL } from './svm-node';
import { runPairs, type PairJob } from './svm-pair';

const { ctrl, port } = workerData as { ctrl: Int32Array; port: MessagePort };
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, PAIR_CTRL.seq, seen);
  seen = Atomics.load(ctrl, PAIR_CTRL.seq);
  try {
    const job = receiveMessageOnPort(port)?.message as PairJob | undefined;
    if (!job) throw new Error('no job');
    runPairs(job);
    Atomics.store(ctrl, PAIR_CTRL.done, seen);
  } catch {
    Atomics.store(ctrl, PAIR_CTRL.done, -1);
  }
  Atomics.notify(ctrl, PAIR_CTRL.done);
}
