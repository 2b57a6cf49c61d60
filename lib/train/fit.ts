/**
 * The one fit loop of every neural model: mini-batches built one at a time from a row source (rows read from
 * the feature cache and normalised per batch, or held in memory: lib/train/rows.ts), so the loop holds one batch
 * whatever the corpus size; a seeded shuffle per epoch, class weights,
 * validation metrics, and Keras-style callbacks (EarlyStopping, ReduceLROnPlateau, best checkpoint).
 *
 * Determinism: tfjs draws unseeded initialisers and dropout masks from `Math.random`; the loop swaps in a
 * seeded generator for the duration of the fit (see {@link withSeededRandom}), so the same seed gives the
 * same weights, batches, masks and metrics, while masks still differ from step to step.
 */
import * as tf from '@tensorflow/tfjs';
import { argmax, classificationMetrics } from '../metrics/summary';
import { predictTensor } from '../models/inference';
import { Rng } from '../util/rng';
import { rowSource, type RowSource, type Rows } from './rows';

/** One epoch of history. `valUar` and the validation fields are NaN without validation data. */
export interface FitEpochLog {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  valUar: number;
  /** Learning rate used during the epoch. */
  lr: number;
  seconds: number;
}

/** Metrics a callback may monitor. */
export type Monitor = 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy' | 'valUar';

/**
 * Rows of one split: row i is example i flattened (read from a {@link RowSource} when a batch needs it, or held
 * in an array), `shape` its shape (e.g. [frames, dims] or [dims]).
 */
export interface FitData {
  rows: Rows;
  labels: number[];
  shape: number[];
}

/** What callbacks see and may change. */
export interface FitContext {
  model: tf.LayersModel;
  history: FitEpochLog[];
  /** Set to true to stop after the current epoch. */
  stop: boolean;
  /** Learning rate of the next epoch. */
  lr: number;
}

export interface FitCallback {
  onEpochEnd?(log: FitEpochLog, ctx: FitContext): void | Promise<void>;
  onTrainEnd?(ctx: FitContext): void | Promise<void>;
}

export interface FitOptions {
  /** Maximum epochs. Default 30. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Seed of the shuffle, the initial weights (when the model is built inside {@link withSeededRandom}) and dropout. Default 42. */
  seed?: number;
  /** 'balanced' (n / (k × count_c), scikit-learn's), explicit weights per class, or null (none). Default null. */
  classWeights?: 'balanced' | number[] | null;
  /** Validation rows (never test speakers). */
  validation?: FitData;
  callbacks?: FitCallback[];
  /** Called after every epoch, after the callbacks (progress bars, live curves). */
  onEpoch?: (log: FitEpochLog) => void;
  /** Per-batch transform of the input rows (augmentation such as SpecAugment), given a seeded generator. */
  augment?: (batch: Float32Array[], rng: Rng) => Float32Array[];
}

export interface FitResult {
  history: FitEpochLog[];
  /** Epoch whose weights the model holds at the end (the best one when EarlyStopping restored it). */
  finalEpoch: number;
  stoppedEarly: boolean;
  seconds: number;
}

/** Run `fn` with `Math.random` replaced by a seeded mulberry32 stream (restored afterwards, also on throw). */
export async function withSeededRandom<T>(seed: number, fn: () => Promise<T> | T): Promise<T> {
  const saved = Math.random;
  const rng = new Rng(seed);
  Math.random = () => rng.next();
  try {
    return await fn();
  } finally {
    Math.random = saved;
  }
}

/** Class weights n / (k × count_c) for the classes present, as scikit-learn's `class_weight='balanced'`. */
export function balancedClassWeights(labels: number[], nClasses: number): number[] {
  const counts = new Array<number>(nClasses).fill(0);
  for (const l of labels) counts[l]++;
  return counts.map((c) => (c > 0 ? labels.length / (nClasses * c) : 0));
}

/** Rows `idx` of `rows` as one batch tensor (the only place a batch is assembled). */
function stack(rows: RowSource, idx: readonly number[], shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const flat = new Float32Array(idx.length * size);
  idx.forEach((r, i) => {
    const row = rows.get(r);
    if (row.length !== size)
      throw new Error(`row ${r} has ${row.length} values, the input shape [${shape}] needs ${size}`);
    flat.set(row, i * size);
  });
  return tf.tensor(flat, [idx.length, ...shape]);
}

/** One-hot targets scaled by the class weight: categorical cross-entropy is linear in the target, so this is exactly a weighted loss. */
function targets(labels: number[], idx: number[], nClasses: number, weights: number[] | null): tf.Tensor2D {
  const y = new Float32Array(idx.length * nClasses);
  idx.forEach((r, i) => (y[i * nClasses + labels[r]] = weights ? weights[labels[r]] : 1));
  return tf.tensor2d(y, [idx.length, nClasses]);
}

/** Class probabilities of `data` in batches of `batchSize` (default 64). */
export function predictRows(
  model: tf.LayersModel,
  data: Pick<FitData, 'rows' | 'shape'>,
  batchSize = 64,
): Float32Array[] {
  const out: Float32Array[] = [];
  const rows = rowSource(data.rows);
  for (let i = 0; i < rows.length; i += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, rows.length - i) }, (_, k) => i + k);
    const probs = tf.tidy(() => {
      const p = predictTensor(model, stack(rows, idx, data.shape));
      return p.dataSync() as Float32Array;
    });
    const k = probs.length / idx.length;
    for (let j = 0; j < idx.length; j++) out.push(probs.slice(j * k, (j + 1) * k));
  }
  return out;
}

function nClassesOf(model: tf.LayersModel): number {
  const shape = model.outputs[0].shape;
  return shape[shape.length - 1] as number;
}

function setLearningRate(model: tf.LayersModel, lr: number): void {
  // tfjs optimizers read `learningRate` on every step; it is only `protected` in the typings.
  (model.optimizer as unknown as { learningRate: number }).learningRate = lr;
}

function getLearningRate(model: tf.LayersModel): number {
  const lr = (model.optimizer as unknown as { learningRate?: number }).learningRate;
  return typeof lr === 'number' ? lr : Number.NaN;
}

/** Train a compiled classifier (softmax output, categorical cross-entropy) on `train`. */
export async function fitModel(
  model: tf.LayersModel,
  train: FitData,
  options: FitOptions = {},
): Promise<FitResult> {
  const epochs = options.epochs ?? 30;
  const batchSize = options.batchSize ?? 32;
  const seed = options.seed ?? 42;
  if (!(Number.isInteger(epochs) && epochs > 0))
    throw new Error(`fitModel: epochs must be a positive integer, got ${epochs}`);
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new Error(`fitModel: batchSize must be a positive integer, got ${batchSize}`);
  const trainRows = rowSource(train.rows);
  if (trainRows.length === 0) throw new Error('fitModel: no training rows');
  const k = nClassesOf(model);
  const weights =
    options.classWeights === 'balanced'
      ? balancedClassWeights(train.labels, k)
      : Array.isArray(options.classWeights)
        ? options.classWeights
        : null;
  const ctx: FitContext = { model, history: [], stop: false, lr: getLearningRate(model) };
  const callbacks = options.callbacks ?? [];
  const t0 = Date.now();
  // One generator for shuffles and augmentation, another (inside withSeededRandom) for tfjs's dropout.
  const rng = new Rng(seed ^ 0x5eed);
  await withSeededRandom(seed, async () => {
    for (let epoch = 1; epoch <= epochs && !ctx.stop; epoch++) {
      const e0 = Date.now();
      if (Number.isFinite(ctx.lr)) setLearningRate(model, ctx.lr);
      const order = rng.shuffle(Array.from({ length: trainRows.length }, (_, i) => i));
      let lossSum = 0;
      let correctSum = 0;
      for (let i = 0; i < order.length; i += batchSize) {
        const idx = order.slice(i, i + batchSize);
        const augmented = options.augment
          ? options.augment(
              idx.map((r) => trainRows.get(r)),
              rng,
            )
          : undefined;
        const x = augmented
          ? stack(
              rowSource(augmented),
              augmented.map((_, j) => j),
              train.shape,
            )
          : stack(trainRows, idx, train.shape);
        const y = targets(train.labels, idx, k, weights);
        const [loss, acc] = (await model.trainOnBatch(x, y)) as number[];
        tf.dispose([x, y]);
        // Let timers run between batches (tuning heartbeats, progress): the awaits above settle as
        // microtasks, which would otherwise hold the event loop for the whole fit.
        await new Promise<void>((resolve) => setImmediate(resolve));
        lossSum += loss * idx.length;
        correctSum += acc * idx.length;
      }
      const log: FitEpochLog = {
        epoch,
        loss: lossSum / order.length,
        accuracy: correctSum / order.length,
        valLoss: Number.NaN,
        valAccuracy: Number.NaN,
        valUar: Number.NaN,
        lr: ctx.lr,
        seconds: 0,
      };
      if (options.validation && options.validation.rows.length > 0) {
        const v = options.validation;
        const probs = predictRows(model, v);
        let ce = 0;
        probs.forEach((p, i) => (ce -= Math.log(Math.min(Math.max(p[v.labels[i]], 1e-7), 1 - 1e-7))));
        const labels = Array.from({ length: k }, (_, c) => String(c));
        const m = classificationMetrics(
          v.labels,
          probs.map((p) => argmax(p)),
          labels,
        );
        log.valLoss = ce / probs.length;
        log.valAccuracy = m.accuracy;
        log.valUar = m.uar;
      }
      log.seconds = (Date.now() - e0) / 1000;
      ctx.history.push(log);
      for (const cb of callbacks) await cb.onEpochEnd?.(log, ctx);
      options.onEpoch?.(log);
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(ctx);
  });
  const restored = callbacks.find((c): c is EarlyStopping => c instanceof EarlyStopping)?.restoredEpoch;
  return {
    history: ctx.history,
    finalEpoch: restored ?? ctx.history.length,
    stoppedEarly: ctx.history.length < epochs,
    seconds: (Date.now() - t0) / 1000,
  };
}

/** Whether larger is better for a monitored metric. */
function maximises(monitor: Monitor): boolean {
  return monitor === 'accuracy' || monitor === 'valAccuracy' || monitor === 'valUar';
}

/** Tracks the best value of a monitored metric. */
class BestTracker {
  best = Number.NaN;
  bestEpoch = 0;
  wait = 0;
  constructor(
    readonly monitor: Monitor,
    readonly minDelta: number,
  ) {}
  /** Record an epoch; true when it improved on the best by more than minDelta. */
  update(log: FitEpochLog): boolean {
    const v = log[this.monitor];
    if (Number.isNaN(v))
      throw new Error(`callback monitors ${this.monitor}, which is NaN (no validation data?)`);
    const better =
      Number.isNaN(this.best) ||
      (maximises(this.monitor) ? v > this.best + this.minDelta : v < this.best - this.minDelta);
    if (better) {
      this.best = v;
      this.bestEpoch = log.epoch;
      this.wait = 0;
    } else this.wait++;
    return better;
  }
}

export interface EarlyStoppingOptions {
  /** Default 'valLoss'. */
  monitor?: Monitor;
  /** Epochs without improvement before stopping. Default 10. */
  patience?: number;
  /** Smallest change that counts as improvement. Default 0. */
  minDelta?: number;
  /** Put back the best epoch's weights at the end. Default true. */
  restoreBestWeights?: boolean;
}

/** Stop when the monitored metric has not improved for `patience` epochs; optionally restore the best weights. */
export class EarlyStopping implements FitCallback {
  private readonly tracker: BestTracker;
  private readonly patience: number;
  private readonly restore: boolean;
  private bestWeights: tf.Tensor[] | null = null;
  /** The epoch whose weights were restored, if any. */
  restoredEpoch: number | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    this.tracker = new BestTracker(options.monitor ?? 'valLoss', options.minDelta ?? 0);
    this.patience = options.patience ?? 10;
    this.restore = options.restoreBestWeights ?? true;
  }

  onEpochEnd(log: FitEpochLog, ctx: FitContext): void {
    if (this.tracker.update(log)) {
      if (this.restore) {
        tf.dispose(this.bestWeights ?? []);
        this.bestWeights = ctx.model.getWeights().map((w) => w.clone());
      }
    } else if (this.tracker.wait >= this.patience) ctx.stop = true;
  }

  onTrainEnd(ctx: FitContext): void {
    if (this.bestWeights) {
      if (this.tracker.bestEpoch !== ctx.history.length) ctx.model.setWeights(this.bestWeights);
      this.restoredEpoch = this.tracker.bestEpoch;
      tf.dispose(this.bestWeights);
      this.bestWeights = null;
    }
  }
}

export interface ReduceLrOnPlateauOptions {
  /** Default 'valLoss'. */
  monitor?: Monitor;
  /** Multiply the learning rate by this. Default 0.5. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 5. */
  patience?: number;
  /** Default 1e-5. */
  minLr?: number;
  /** Default 0. */
  minDelta?: number;
}

/** Multiply the learning rate by `factor` when the monitored metric plateaus for `patience` epochs. */
export class ReduceLrOnPlateau implements FitCallback {
  private readonly tracker: BestTracker;
  private readonly factor: number;
  private readonly patience: number;
  private readonly minLr: number;

  constructor(options: ReduceLrOnPlateauOptions = {}) {
    this.tracker = new BestTracker(options.monitor ?? 'valLoss', options.minDelta ?? 0);
    this.factor = options.factor ?? 0.5;
    this.patience = options.patience ?? 5;
    this.minLr = options.minLr ?? 1e-5;
    if (!(this.factor > 0 && this.factor < 1))
      throw new Error(`ReduceLrOnPlateau: factor must be in (0, 1), got ${this.factor}`);
  }

  onEpochEnd(log: FitEpochLog, ctx: FitContext): void {
    this.tracker.update(log);
    if (this.tracker.wait >= this.patience && ctx.lr > this.minLr) {
      ctx.lr = Math.max(this.minLr, ctx.lr * this.factor);
      this.tracker.wait = 0;
    }
  }
}

/** Calls `save(epoch)` whenever the monitored metric improves (e.g. write the model directory: best checkpoint). */
export class BestCheckpoint implements FitCallback {
  private readonly tracker: BestTracker;
  constructor(
    private readonly save: (epoch: number, model: tf.LayersModel) => Promise<void>,
    monitor: Monitor = 'valLoss',
  ) {
    this.tracker = new BestTracker(monitor, 0);
  }
  async onEpochEnd(log: FitEpochLog, ctx: FitContext): Promise<void> {
    if (this.tracker.update(log)) await this.save(log.epoch, ctx.model);
  }
}

/** History as CSV (header + one row per epoch). */
export function historyCsv(history: FitEpochLog[]): string {
  const cols: (keyof FitEpochLog)[] = [
    'epoch',
    'loss',
    'accuracy',
    'valLoss',
    'valAccuracy',
    'valUar',
    'lr',
    'seconds',
  ];
  return [cols.join(','), ...history.map((h) => cols.map((c) => String(h[c])).join(','))].join('\n') + '\n';
}
