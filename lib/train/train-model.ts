/**
 * Train any zoo model on one fold of a protocol and write a model directory (version 2): neural models go
 * through the fit loop (validation = a seeded, emotion-stratified 10 % of the training side's clips, so test
 * speakers never steer early stopping), classic models fit in one call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../backend';
import type { ManifestRow } from '../data/manifest';
import { speakerKey, type Split } from '../data/split';
import { accuracyScore } from '../metrics/classification-report';
import { argmax, classificationMetrics, type ClassificationMetrics } from '../metrics/summary';
import { saveClassicModelDir, saveModelDir, writeModelSideFile } from '../models/model-dir';
import { featureSet, type LibrosaSetConfig } from '../features/sets';
import { zooEntry, type NeuralTrainingConfig, type ZooModelName } from '../models/zoo';
import type { SpeakerAugmentation } from '../augment/speaker';
import { UserError } from '../util/errors';
import { Rng } from '../util/rng';
import {
  foldData,
  loadFeatureTable,
  makeSplit,
  resolveFold,
  type FeatureTable,
  type FoldChoice,
  type FoldData,
  type Normalisation,
  type SplitName,
  type StoredNormaliser,
} from './dataset';
import { Pipeline, type FittedModel } from './pipeline';
import { rowArray, rowSubset } from './rows';
import { speakerAugmentedRows } from './speaker-augmentation';
import {
  EarlyStopping,
  fitModel,
  historyCsv,
  predictRows,
  ReduceLrOnPlateau,
  withSeededRandom,
  type FitCallback,
  type FitEpochLog,
} from './fit';

/** What `ser.json` carries for a model trained here. */
export interface TrainedModelPayload {
  model: {
    name: ZooModelName;
    kind: 'neural' | 'classic';
    config: object;
    training: NeuralTrainingConfig | null;
    /** Speaker augmentation of the training side, or null. */
    augment: SpeakerAugmentation | null;
  };
  features: LibrosaSetConfig;
  normaliser: StoredNormaliser;
  /** Input shape per example. */
  shape: number[];
  split: {
    protocol: Split['protocol'];
    name: SplitName;
    fold: string;
    foldIndex: number;
    params: Split['params'];
    seed: number | null;
    manifestHash: string;
    validation: string;
  };
  trainManifestHash: string;
  /** The data the split was made from: corpora and subset (absent in directories saved before it was recorded). */
  data?: TrainingData;
  metrics: { test: Omit<ClassificationMetrics, 'labels'> };
  training: { seed: number; seconds: number; history: FitEpochLog[]; finalEpoch: number | null };
}

/** The clips a model was trained and tested on, as `ser train` was given them. */
export interface TrainingData {
  corpora: string[];
  /** At most this many clips per (speaker, emotion), or null for all. */
  limitPerClass: number | null;
}

export interface TrainFoldOptions {
  model: ZooModelName;
  /** Overrides of the model's default config. */
  config?: object;
  /** Overrides of the model's training settings (neural models). */
  training?: Partial<NeuralTrainingConfig>;
  /** Default 'global'. */
  normalisation?: Normalisation;
  /** Default 42. */
  seed?: number;
  onEpoch?: (log: FitEpochLog) => void;
  /**
   * After every epoch (classic models: once, step 1), the accuracy on the fold's test side, which tuning uses as
   * its speaker-independent validation; returning true stops training (a pruned trial). Costs one prediction
   * pass over the test side per epoch.
   */
  onTestAccuracy?: (epoch: number, accuracy: number) => boolean | Promise<boolean>;
  /** Write the model directory here (optional: benches only need the metrics). */
  out?: string;
  /** Split name recorded in ser.json. Default 'speaker'. */
  splitName?: SplitName;
  /** Speaker augmentation of the training side: null for none; default the zoo entry's (if any). */
  augment?: SpeakerAugmentation | null;
  /** Progress bars (speaker augmentation; feature loading in {@link trainModel}). */
  progress?: boolean;
  /** Recorded in `ser.json`, so evaluation rebuilds the same data without options. */
  data?: TrainingData;
}

export interface TrainFoldResult {
  metrics: ClassificationMetrics;
  yTrue: number[];
  yPred: number[];
  labels: string[];
  /** Seconds of fitting (feature loading and augmented copies' features excluded). */
  seconds: number;
  history: FitEpochLog[];
  fold: string;
  /** The test clips, in the order of `yTrue`. */
  testRecords: ManifestRow[];
  /** Class probabilities of each test clip (rows sum to 1), as {@link Pipeline.predictProba} gives them. */
  probabilities: number[][];
}

/** Seeded emotion-stratified hold-out of `fraction` of the training rows (indices). */
function stratifiedHoldOut(
  labels: number[],
  fraction: number,
  seed: number,
): { fit: number[]; val: number[] } {
  const rng = new Rng(seed);
  const val: number[] = [];
  const fit: number[] = [];
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  for (const c of classes) {
    const idx = rng.shuffle(labels.flatMap((l, i) => (l === c ? [i] : [])));
    const n = Math.max(1, Math.round(idx.length * fraction));
    val.push(...idx.slice(0, n));
    fit.push(...idx.slice(n));
  }
  return { fit: fit.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

/** SpecAugment on [frames, dims] rows: random time and feature stripes set to 0 (the z-scored mean). */
export function specAugmentMasks(
  shape: number[],
  t: Pick<NeuralTrainingConfig, 'timeMasks' | 'timeMaskWidth' | 'featureMasks' | 'featureMaskWidth'>,
): ((batch: Float32Array[], rng: Rng) => Float32Array[]) | undefined {
  if (shape.length !== 2 || (t.timeMasks === 0 && t.featureMasks === 0)) return undefined;
  const [frames, dims] = shape;
  return (batch, rng) =>
    batch.map((row) => {
      const out = row.slice();
      for (let m = 0; m < t.timeMasks; m++) {
        const w = rng.int(t.timeMaskWidth + 1);
        const start = rng.int(Math.max(1, frames - w));
        out.fill(0, start * dims, (start + w) * dims);
      }
      for (let m = 0; m < t.featureMasks; m++) {
        const w = rng.int(t.featureMaskWidth + 1);
        const start = rng.int(Math.max(1, dims - w));
        for (let f = 0; f < frames; f++) out.fill(0, f * dims + start, f * dims + start + w);
      }
      return out;
    });
}

/** Train `options.model` on fold `foldIndex` of `split` over `table`; evaluate on the fold's test side. */
export async function trainFold(
  table: FeatureTable,
  split: Split,
  foldIndex: number,
  options: TrainFoldOptions,
): Promise<TrainFoldResult> {
  const entry = zooEntry(options.model);
  const seed = options.seed ?? 42;
  const training: NeuralTrainingConfig | null =
    entry.kind === 'neural' ? { ...entry.training, ...options.training } : null;
  const augment = options.augment === undefined ? (entry.augment ?? null) : options.augment;
  if (augment && table.features.output !== 'stats')
    throw new UserError(
      `speaker augmentation needs per-clip statistics; ${table.features.name} gives sequences`,
    );
  const data: FoldData = foldData(table, split, foldIndex, {
    normalisation: options.normalisation,
    frames: training?.frames ?? null,
    augmented: augment
      ? speakerAugmentedRows(table, split, foldIndex, augment, { progress: options.progress })
      : undefined,
  });
  const config = { ...entry.defaults, ...(options.config ?? {}) };
  const k = data.labels.length;
  const t0 = Date.now();
  let history: FitEpochLog[] = [];
  let finalEpoch: number | null = null;
  let seconds = 0;

  const payload = (metrics: ClassificationMetrics): TrainedModelPayload => {
    const { labels: _labels, ...test } = metrics;
    void _labels;
    return {
      model: { name: options.model, kind: entry.kind, config, training, augment },
      features: table.features,
      normaliser: data.normaliser,
      shape: data.shape,
      split: {
        protocol: split.protocol,
        name: options.splitName ?? 'speaker',
        fold: split.folds[foldIndex].name,
        foldIndex,
        params: split.params,
        seed: split.seed,
        manifestHash: split.manifestHash,
        validation:
          entry.kind === 'neural'
            ? 'seeded emotion-stratified 10 % of the training side (training speakers only)'
            : 'none (classic model)',
      },
      trainManifestHash: data.trainManifestHash,
      ...(options.data ? { data: options.data } : {}),
      metrics: { test },
      training: { seed, seconds, history, finalEpoch },
    };
  };
  // The test side through the fitted Pipeline, exactly as `ser evaluate` predicts it from the saved directory.
  const evaluate = (fitted: FittedModel) => {
    const recorded = payload(classificationMetrics([], [], data.labels));
    const raw = data.rawTest;
    const e = Pipeline.fromFitted(recorded, data.labels, fitted, options.out ?? options.model).evaluate(
      rowArray(raw.rows),
      raw.records.map((r) => r.emotion),
      raw.records.map(speakerKey),
    );
    return {
      yTrue: e.yTrue,
      yPred: e.yPred,
      probabilities: e.probabilities,
      metrics: e.metrics,
    };
  };
  let outcome: ReturnType<typeof evaluate>;
  if (entry.kind === 'classic') {
    // Classic models fit on whole matrices of per-clip statistics (small), so their sides are materialised.
    const state = entry.fit(rowArray(data.train.rows), data.train.labels, k, config as never, seed);
    seconds = (Date.now() - t0) / 1000;
    outcome = evaluate({ kind: 'classic', state });
    await options.onTestAccuracy?.(1, outcome.metrics.accuracy);
    if (options.out) await saveClassicModelDir(options.out, state, data.labels, payload(outcome.metrics));
  } else {
    await initBackend();
    const t = training!;
    const { fit, val } = stratifiedHoldOut(data.train.labels, 0.1, seed);
    const pick = (idx: number[]) => ({
      rows: rowSubset(data.train.rows, idx),
      labels: idx.map((i) => data.train.labels[i]),
      shape: data.shape,
    });
    const model = await withSeededRandom(seed, () => entry.build(config as never, data.shape, k));
    try {
      const callbacks: FitCallback[] = [];
      if (t.reduceLrPatience > 0) callbacks.push(new ReduceLrOnPlateau({ patience: t.reduceLrPatience }));
      if (t.earlyStoppingPatience > 0)
        callbacks.push(new EarlyStopping({ patience: t.earlyStoppingPatience, restoreBestWeights: true }));
      const onTest = options.onTestAccuracy;
      if (onTest)
        callbacks.push({
          onEpochEnd: async (log, ctx) => {
            const probs = predictRows(model, { rows: data.test.rows, shape: data.shape });
            const accuracy = accuracyScore(data.test.labels, probs.map(argmax));
            if (await onTest(log.epoch, accuracy)) ctx.stop = true;
          },
        });
      const result = await fitModel(model, pick(fit), {
        epochs: t.epochs,
        batchSize: t.batchSize,
        seed,
        classWeights: t.classWeights,
        validation: pick(val),
        callbacks,
        onEpoch: options.onEpoch,
        augment: specAugmentMasks(data.shape, t),
      });
      history = result.history;
      finalEpoch = result.finalEpoch;
      seconds = (Date.now() - t0) / 1000;
      outcome = evaluate({ kind: 'tfjs', model });
      if (options.out) {
        await saveModelDir(options.out, model, data.labels, payload(outcome.metrics));
        writeModelSideFile(options.out, 'history.json', history);
        fs.writeFileSync(path.join(options.out, 'history.csv'), historyCsv(history));
      }
    } finally {
      // A model compiled with an optimizer object does not own it: Adam's moments would outlive every run.
      model.optimizer?.dispose();
      model.dispose();
    }
  }
  return {
    metrics: outcome.metrics,
    yTrue: outcome.yTrue,
    yPred: outcome.yPred,
    labels: data.labels,
    seconds,
    history,
    fold: split.folds[foldIndex].name,
    testRecords: data.test.records,
    probabilities: outcome.probabilities,
  };
}

export interface TrainModelOptions extends TrainFoldOptions {
  /** Corpora; for `cross` the last one is the test corpus. */
  corpora: string[];
  root: string;
  split: SplitName;
  /** Fold to train (0-based, or the fold with the most test speakers). Default 0. */
  fold?: FoldChoice;
  /** Feature set name; default the model's own. */
  features?: string;
  /** At most this many clips per (speaker, emotion) (quick runs). */
  limitPerClass?: number;
}

/** Load features, split, train one fold and (with `out`) write the model directory. */
export async function trainModel(
  options: TrainModelOptions,
): Promise<TrainFoldResult & { split: Split; skipped: FeatureTable['skipped'] }> {
  const entry = zooEntry(options.model);
  if (options.corpora.length === 0) throw new UserError('give at least one corpus');
  const table = await loadFeatureTable(
    options.corpora,
    options.root,
    featureSet(options.features ?? entry.features),
    {
      limitPerClass: options.limitPerClass,
      seed: options.seed ?? 42,
      progress: options.progress,
    },
  );
  if (table.rows.length === 0)
    throw new UserError(`no usable clips in ${options.corpora.join(', ')} under ${options.root}`);
  const split = makeSplit(table, options.split, { seed: options.seed ?? 42 });
  const fold = resolveFold(split, table.rows, options.fold ?? 0);
  const result = await trainFold(table, split, fold, {
    ...options,
    splitName: options.split,
    data: { corpora: options.corpora, limitPerClass: options.limitPerClass ?? null },
  });
  return { ...result, split, skipped: table.skipped };
}
