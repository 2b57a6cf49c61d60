/**
 * Memory and time of a full zoo-model training, what `ser train --model seed000 --corpus tess --split random`
 * runs (issue 7: "a full seed000 training on TESS finishes in ≤ 5 minutes; memory stays flat across epochs"):
 * RSS, heap and tfjs tensor count after loading and after every epoch, and the least-squares slope of RSS over
 * epochs (all epochs and the last half), so growth shows as MB per epoch.
 *
 *   node scripts/build.js && node dist/bench/train-memory.js [--model seed000] [--corpus tess] [--split random]
 *     [--normalise global|per-speaker] [--epochs N] [--seed 42] [--gc]
 *
 * `--gc` (with `node --expose-gc`) collects garbage before each reading, so the figures are live memory rather
 * than whatever the collector had not yet reclaimed. After the training, `storagePass` times one pass over the
 * fold's training rows (read, z-score, fix frames: what each epoch adds to the training steps) with the table
 * streamed from the feature cache against a table held in memory, in this run (`--no-storage-pass` skips it).
 * Prints one JSON object.
 */
import * as os from 'node:os';
import { initBackend, tf } from '../lib/backend';
import { resolveDataRoot } from '../lib/data';
import { engineInfo } from '../lib/engine';
import { featureSet } from '../lib/features/sets';
import { zooEntry, type ZooModelName } from '../lib/models/zoo';
import {
  foldData,
  loadFeatureTable,
  makeSplit,
  resolveFold,
  type FeatureStorage,
  type Normalisation,
  type SplitName,
} from '../lib/train/dataset';
import { eachRow } from '../lib/train/rows';
import { trainModel } from '../lib/train/train-model';

function stringArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Least-squares slope of `ys` against 1, 2, … (NaN with fewer than two points). */
function slope(ys: number[]): number {
  const n = ys.length;
  if (n < 2) return Number.NaN;
  const mx = (n + 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, i) => {
    num += (i + 1 - mx) * (y - my);
    den += (i + 1 - mx) ** 2;
  });
  return num / den;
}

interface MemoryReading {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  tensors: number;
}

function reading(): MemoryReading {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (process.argv.includes('--gc') && gc) gc();
  const m = process.memoryUsage();
  return {
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
    tensors: tf.memory().numTensors,
  };
}

/**
 * Seconds of one pass over the training side of the fold `trainModel` trains (same seed, split and fold), from a
 * table of each storage: best of `repeats`, so page-cache warm-up and neighbours' load weigh less.
 */
async function storagePass(
  model: ZooModelName,
  corpora: string[],
  split: SplitName,
  normalisation: Normalisation,
  seed: number,
  repeats = 3,
): Promise<Record<FeatureStorage, number> & { rows: number; cacheOverMemory: number }> {
  const entry = zooEntry(model);
  const frames = entry.kind === 'neural' ? entry.training.frames : null;
  const seconds = {} as Record<FeatureStorage, number>;
  let rows = 0;
  for (const storage of ['cache', 'memory'] as const) {
    const table = await loadFeatureTable(corpora, resolveDataRoot(), featureSet(entry.features), {
      seed,
      progress: false,
      storage,
    });
    const s = makeSplit(table, split, { seed });
    const data = foldData(table, s, resolveFold(s, table.rows, 0), { normalisation, frames });
    rows = data.train.rows.length;
    let best = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      let sum = 0;
      for (const row of eachRow(data.train.rows)) sum += row[0];
      best = Math.min(best, (performance.now() - t0) / 1000);
      if (Number.isNaN(sum)) throw new Error('NaN in the training rows');
    }
    seconds[storage] = round(best, 3);
  }
  return { ...seconds, rows, cacheOverMemory: round(seconds.cache / seconds.memory, 2) };
}

async function main(): Promise<void> {
  const info = await initBackend();
  const model = stringArg('model', 'seed000') as ZooModelName;
  const epochsArg = process.argv.includes('--epochs') ? Number(stringArg('epochs', '0')) : undefined;
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  const atStart = reading();
  const epochs: (MemoryReading & { epoch: number; seconds: number; loss: number; valLoss: number })[] = [];
  const result = await trainModel({
    model,
    corpora: stringArg('corpus', 'tess').split(','),
    root: resolveDataRoot(),
    split: stringArg('split', 'random') as SplitName,
    normalisation: stringArg('normalise', 'global') as Normalisation,
    seed: Number(stringArg('seed', '42')),
    training: epochsArg === undefined ? undefined : { epochs: epochsArg },
    progress: false,
    onEpoch: (log) => {
      epochs.push({
        epoch: log.epoch,
        seconds: round(log.seconds, 1),
        loss: round(log.loss, 4),
        valLoss: round(log.valLoss, 4),
        ...reading(),
      });
      process.stderr.write(`epoch ${log.epoch}: ${JSON.stringify(epochs[epochs.length - 1])}\n`);
    },
  });
  const cpu = process.cpuUsage(cpu0);
  // The process's peak so far: loading, normaliser fit, every epoch and the test evaluation (not the storage pass).
  const maxRssMb = mb(process.resourceUsage().maxRSS * 1024);
  const rss = epochs.map((e) => e.rssMb);
  const heap = epochs.map((e) => e.heapUsedMb);
  const lastHalf = (xs: number[]) => xs.slice(Math.floor(xs.length / 2));
  console.log(
    JSON.stringify(
      {
        bench: 'train-memory',
        model,
        corpus: stringArg('corpus', 'tess'),
        split: stringArg('split', 'random'),
        normalisation: stringArg('normalise', 'global'),
        backend: info.name,
        engine: engineInfo().summary,
        cpus: os.cpus().length,
        loadAverage: os.loadavg().map((x) => round(x, 2)),
        gcBeforeReadings:
          process.argv.includes('--gc') && typeof (globalThis as { gc?: unknown }).gc === 'function',
        wallSeconds: round((Date.now() - started) / 1000, 1),
        cpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
        fitSeconds: round(result.seconds, 1),
        epochs: result.history.length,
        testAccuracy: round(result.metrics.accuracy, 4),
        testN: result.metrics.n,
        atStart,
        atEnd: reading(),
        peakRssAfterEpochMb: Math.max(...rss),
        maxRssMb,
        rssSlopeMbPerEpoch: round(slope(rss), 2),
        rssSlopeLastHalfMbPerEpoch: round(slope(lastHalf(rss)), 2),
        heapSlopeMbPerEpoch: round(slope(heap), 2),
        heapSlopeLastHalfMbPerEpoch: round(slope(lastHalf(heap)), 2),
        perEpoch: epochs,
        storagePass: process.argv.includes('--no-storage-pass')
          ? undefined
          : await storagePass(
              model,
              stringArg('corpus', 'tess').split(','),
              stringArg('split', 'random') as SplitName,
              stringArg('normalise', 'global') as Normalisation,
              Number(stringArg('seed', '42')),
            ),
      },
      null,
      1,
    ),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
