/**
 * The thin end-to-end slice: corpus → speaker-independent split → Meyda statistics → standardiser fitted on
 * the training speakers → MLP → model directory. Later issues replace each piece behind the same calls.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { loadCorpus } from '../data/corpora';
import { applySpeakerSplit, defaultSpeakerSplit, describeSplit, type SpeakerSplitSpec } from '../data/split';
import { limitPerSpeakerEmotion } from '../data/subset';
import type { ClipRecord } from '../data/types';
import { DEFAULT_MEYDA_STATS } from '../features/meyda-stats';
import { extractFeatures, resolveFeatureConfig, type FeatureConfig } from '../features/extract';
import { fitStandardizer, standardize, type StandardizerState } from '../features/standardize';
import { buildMlp, DEFAULT_MLP, type MlpConfig } from '../models/mlp';
import { saveModelDir } from '../models/model-dir';
import { Rng } from '../util/rng';
import { UserError } from '../util/errors';

/** One epoch of training history. */
export interface EpochLog {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
}

/** What `ser.json` carries for a slice model. */
export interface SlicePayload {
  features: FeatureConfig;
  normaliser: StandardizerState;
  model: MlpConfig;
  split: SpeakerSplitSpec & { description: string };
  training: {
    seed: number;
    epochs: number;
    batchSize: number;
    seconds: number;
    history: EpochLog[];
    /** Clips per (speaker, emotion) when training used a subset. */
    limitPerClass?: number;
  };
}

export interface TrainSliceOptions {
  corpus: string;
  root: string;
  /** Model directory to write. */
  out: string;
  /** Seed for initial weights, shuffling and the validation hold-out. Default 42. */
  seed?: number;
  /** Epochs. Default 60. */
  epochs?: number;
  /** Batch size. Default 32. */
  batchSize?: number;
  /** Called after every epoch (live curves, progress). */
  onEpoch?: (log: EpochLog) => void;
  /** Print a feature-extraction progress bar on stderr. Default true. */
  progress?: boolean;
  /** Use at most this many clips per (speaker, emotion), chosen with `seed` (quick runs). Default: all. */
  limitPerClass?: number;
  /** Per-clip feature set (a config or a built-in set name). Default: the Meyda statistics of the slice. */
  features?: FeatureConfig | string;
}

export interface TrainSliceResult {
  modelDir: string;
  history: EpochLog[];
  labels: string[];
  trainSpeakers: string[];
  testSpeakers: string[];
  protocol: string;
  seconds: number;
  skipped: { path: string; reason: string }[];
}

/** Feature vectors of records, dropping (and reporting) clips that failed to decode. */
export async function recordFeatures<T extends ClipRecord>(
  records: T[],
  config: FeatureConfig,
  progress = true,
  label = 'features',
): Promise<{ records: T[]; vectors: Float32Array[]; skipped: { path: string; reason: string }[] }> {
  const { vectors, skipped } = await extractFeatures(
    records.map((r) => r.path),
    config,
    { progress, label },
  );
  const kept: T[] = [];
  const kv: Float32Array[] = [];
  records.forEach((r, i) => {
    const v = vectors[i];
    if (v) {
      kept.push(r);
      kv.push(v);
    }
  });
  return { records: kept, vectors: kv, skipped };
}

function toTensors(
  vectors: Float32Array[],
  y: number[],
  nClasses: number,
): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const dims = vectors[0].length;
  const flat = new Float32Array(vectors.length * dims);
  vectors.forEach((v, i) => flat.set(v, i * dims));
  return {
    x: tf.tensor2d(flat, [vectors.length, dims]),
    y: tf.oneHot(tf.tensor1d(y, 'int32'), nClasses) as tf.Tensor2D,
  };
}

/** Train the slice model on the training speakers of `corpus` and save it to `out`. */
export async function trainSlice(options: TrainSliceOptions): Promise<TrainSliceResult> {
  const t0 = Date.now();
  await initBackend();
  const seed = options.seed ?? 42;
  const epochs = options.epochs ?? 60;
  const batchSize = options.batchSize ?? 32;
  if (!(Number.isInteger(epochs) && epochs > 0))
    throw new UserError(`--epochs must be a positive integer, got ${epochs}`);
  if (!(Number.isInteger(seed) && seed >= 0))
    throw new UserError(`--seed must be a non-negative integer, got ${seed}`);

  const corpus = await loadCorpus(options.corpus, options.root);
  const records =
    options.limitPerClass === undefined
      ? corpus.records
      : limitPerSpeakerEmotion(corpus.records, options.limitPerClass, seed);
  const splitSpec = defaultSpeakerSplit(records);
  const split = applySpeakerSplit(records, splitSpec);
  const labels = [...new Set(records.map((r) => r.emotion))].sort();
  const features =
    options.features === undefined ? DEFAULT_MEYDA_STATS : resolveFeatureConfig(options.features);
  const train = await recordFeatures(split.train, features, options.progress ?? true, 'features (train)');

  // Validation: 10 % of the training speakers' clips, for curves only (the test speaker stays unseen).
  const rng = new Rng(seed);
  const order = rng.shuffle(train.records.map((_, i) => i));
  const nVal = Math.max(1, Math.round(order.length * 0.1));
  const valIdx = order.slice(0, nVal);
  const fitIdx = order.slice(nVal);
  const normaliser = fitStandardizer(fitIdx.map((i) => train.vectors[i]));
  const xOf = (idx: number[]) => idx.map((i) => standardize(normaliser, train.vectors[i]));
  const yOf = (idx: number[]) => idx.map((i) => labels.indexOf(train.records[i].emotion));

  const model = buildMlp(DEFAULT_MLP, train.vectors[0].length, labels.length, seed);
  const val = toTensors(xOf(valIdx), yOf(valIdx), labels.length);
  const history: EpochLog[] = [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      // Seeded shuffle per epoch (tfjs's own shuffle uses Math.random, which cannot be seeded).
      const epochOrder = rng.shuffle([...fitIdx]);
      const fit = toTensors(xOf(epochOrder), yOf(epochOrder), labels.length);
      const h = await model.fit(fit.x, fit.y, {
        epochs: 1,
        batchSize,
        shuffle: false,
        validationData: [val.x, val.y],
        verbose: 0,
      });
      tf.dispose([fit.x, fit.y]);
      const num = (k: string) => Number(h.history[k]?.[0] ?? Number.NaN);
      const log: EpochLog = {
        epoch,
        loss: num('loss'),
        accuracy: num('acc'),
        valLoss: num('val_loss'),
        valAccuracy: num('val_acc'),
      };
      history.push(log);
      options.onEpoch?.(log);
    }
  } finally {
    tf.dispose([val.x, val.y]);
  }
  const seconds = (Date.now() - t0) / 1000;
  const payload: SlicePayload = {
    features,
    normaliser,
    model: DEFAULT_MLP,
    split: { ...splitSpec, description: describeSplit(splitSpec) },
    training: { seed, epochs, batchSize, seconds, history, limitPerClass: options.limitPerClass },
  };
  await saveModelDir(options.out, model, labels, payload);
  model.dispose();
  return {
    modelDir: options.out,
    history,
    labels,
    trainSpeakers: splitSpec.trainSpeakers,
    testSpeakers: splitSpec.testSpeakers,
    protocol: describeSplit(splitSpec),
    seconds,
    skipped: train.skipped,
  };
}
