/**
 * Real training of seed-000 on TESS, speaker-independent (train on one speaker, test on the other),
 * for issue 5: full training time on the engine, and a shortened run with identical initial
 * weights, batches and dropout masks on the engine and on stock tfjs cpu kernels, whose test
 * accuracies must agree within 1 point.
 *
 *   npx tsc -p . && node dist/bench/train-tess.js [--epochs 15] [--compare-steps 20] [--no-compare] [--no-full]
 *
 * Features: 40 MFCC × 128 frames (22050 Hz, n_fft 2048, hop 512, clips padded/cut to 127 hops),
 * standardised per coefficient with training-speaker statistics; cached under .cache/engine/.
 * Prints one JSON object.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixLength, loadAudioSync } from '../lib/audio';
import { initBackend, tf } from '../lib/backend';
import { loadTessLayout } from '../lib/data';
import { engineInfo, setFastKernelsEnabled } from '../lib/engine';
import { framesMajor, mfcc } from '../lib/features';
import { buildSeed000 } from '../lib/models/seed000';
import { predictTensor } from '../lib/models/inference';

const root = path.resolve(__dirname, '..', '..');
const FRAMES = 128;
const COEFFS = 40;
const HOP = 512;
const SR = 22050;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Dataset {
  x: Float32Array;
  labels: number[];
  speakers: string[];
  classes: string[];
}

/** MFCC sequences for every TESS clip (cached: decoding + features take a while on 2 cores). */
function loadFeatures(): Dataset {
  const cacheDir = path.join(root, '.cache', 'engine');
  const cacheFile = path.join(cacheDir, `tess-mfcc${COEFFS}x${FRAMES}.json`);
  const binFile = cacheFile.replace(/\.json$/, '.f32');
  if (fs.existsSync(cacheFile) && fs.existsSync(binFile)) {
    const meta = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as Omit<Dataset, 'x'>;
    const buf = fs.readFileSync(binFile);
    return { ...meta, x: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) };
  }
  const { records } = loadTessLayout(path.join(root, 'data'));
  records.sort((a, b) => a.path.localeCompare(b.path));
  const classes = [...new Set(records.map((r) => r.emotion))].sort();
  const x = new Float32Array(records.length * FRAMES * COEFFS);
  records.forEach((r, i) => {
    const audio = loadAudioSync(r.path, { sampleRate: SR });
    const y = fixLength(audio.samples, (FRAMES - 1) * HOP);
    const m = framesMajor(mfcc(y, { sr: SR, nMfcc: COEFFS, hopLength: HOP, nFft: 2048 }));
    x.set(m.data.subarray(0, FRAMES * COEFFS), i * FRAMES * COEFFS);
  });
  const meta = {
    labels: records.map((r) => classes.indexOf(r.emotion)),
    speakers: records.map((r) => r.speaker),
    classes,
  };
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(binFile, Buffer.from(x.buffer));
  fs.writeFileSync(cacheFile, JSON.stringify(meta));
  return { ...meta, x };
}

/** Train/test tensors for one held-out speaker, standardised with training statistics. */
function split(data: Dataset, testSpeaker: string) {
  const idx = (test: boolean): number[] =>
    data.speakers.flatMap((s, i) => ((s === testSpeaker) === test ? [i] : []));
  const take = (rows: number[]): Float32Array => {
    const out = new Float32Array(rows.length * FRAMES * COEFFS);
    rows.forEach((r, k) =>
      out.set(data.x.subarray(r * FRAMES * COEFFS, (r + 1) * FRAMES * COEFFS), k * FRAMES * COEFFS),
    );
    return out;
  };
  const trainRows = idx(false);
  const testRows = idx(true);
  const [xtr, xte] = [take(trainRows), take(testRows)];
  const mean = new Float64Array(COEFFS);
  const sq = new Float64Array(COEFFS);
  for (let i = 0; i < xtr.length; i++) {
    mean[i % COEFFS] += xtr[i];
    sq[i % COEFFS] += xtr[i] * xtr[i];
  }
  const n = xtr.length / COEFFS;
  const std = mean.map((m, c) => Math.sqrt(Math.max(sq[c] / n - (m / n) ** 2, 1e-12)));
  mean.forEach((m, c) => (mean[c] = m / n));
  for (const arr of [xtr, xte])
    for (let i = 0; i < arr.length; i++) arr[i] = (arr[i] - mean[i % COEFFS]) / std[i % COEFFS];
  const k = data.classes.length;
  const tensors = (x: Float32Array, rows: number[]) => ({
    x: tf.tensor3d(x, [rows.length, FRAMES, COEFFS]),
    y: tf.oneHot(
      tf.tensor1d(
        rows.map((r) => data.labels[r]),
        'int32',
      ),
      k,
    ),
    labels: rows.map((r) => data.labels[r]),
  });
  return { train: tensors(xtr, trainRows), test: tensors(xte, testRows) };
}

/** Replaces Math.random (which tfjs seeds initialisers, dropout and shuffling from) with a seeded PRNG. */
function seedRandom(seed: number): void {
  let s = seed >>> 0;
  Math.random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function accuracy(model: tf.LayersModel, x: tf.Tensor, labels: number[]): number {
  const pred = tf.tidy(() => tf.argMax(predictTensor(model, x), 1));
  const p = pred.dataSync();
  pred.dispose();
  return labels.reduce((n, l, i) => n + (p[i] === l ? 1 : 0), 0) / labels.length;
}

async function run(
  data: ReturnType<typeof split>,
  opts: { epochs: number; maxSamples?: number; seed: number; classes: number },
): Promise<{ accuracy: number; seconds: number; epochs: number; steps: number }> {
  seedRandom(opts.seed);
  const model = buildSeed000({}, [FRAMES, COEFFS], opts.classes);
  const total = data.train.labels.length;
  const n = Math.min(opts.maxSamples ?? Infinity, total);
  // A subset is a seeded random draw (the rows are sorted by emotion folder, so a prefix is one class).
  const rows = Array.from({ length: total }, (_, i) => i);
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const subset = n < total ? tf.tensor1d(rows.slice(0, n), 'int32') : null;
  const [x, y] = subset
    ? [tf.gather(data.train.x, subset), tf.gather(data.train.y, subset)]
    : [data.train.x, data.train.y];
  subset?.dispose();
  const t0 = performance.now();
  await model.fit(x, y, { epochs: opts.epochs, batchSize: 32, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const acc = accuracy(model, data.test.x, data.test.labels);
  if (x !== data.train.x) tf.dispose([x, y]);
  model.dispose();
  return {
    accuracy: Math.round(acc * 10000) / 100,
    seconds: Math.round(seconds * 10) / 10,
    epochs: opts.epochs,
    steps: opts.epochs * Math.ceil(n / 32),
  };
}

async function main(): Promise<void> {
  await initBackend({ prefer: 'wasm' });
  const t0 = performance.now();
  const dataset = loadFeatures();
  const featureSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const testSpeaker = 'YAF';
  const data = split(dataset, testSpeaker);
  const classes = dataset.classes.length;
  const report: Record<string, unknown> = {
    bench: 'train-tess',
    engine: engineInfo().summary,
    split: `train ${[...new Set(dataset.speakers)].filter((s) => s !== testSpeaker).join('+')} (${data.train.labels.length}), test ${testSpeaker} (${data.test.labels.length})`,
    classes: dataset.classes,
    feature_seconds: featureSeconds,
  };
  if (!process.argv.includes('--no-full')) {
    report.full = await run(data, { epochs: arg('epochs', 15), seed: 1, classes });
  }
  if (!process.argv.includes('--no-compare')) {
    // Shortened run: the same seed gives both sides the same weights, batches and dropout masks.
    const steps = arg('compare-steps', 20);
    const short = { epochs: 2, maxSamples: (steps / 2) * 32, seed: 7, classes };
    const engine = await run(data, short);
    setFastKernelsEnabled(false);
    await tf.setBackend('cpu');
    const stock = await run(data, short);
    await tf.setBackend('wasm');
    setFastKernelsEnabled(true);
    report.shortened = {
      engine,
      stock_cpu: stock,
      accuracy_difference_points: Math.round((engine.accuracy - stock.accuracy) * 100) / 100,
    };
  }
  console.log(JSON.stringify(report, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
