/**
 * A trained model as one object: the feature set it reads, the fitted normaliser, the fitted model (tfjs or
 * classic) and its label set, with the protocol and data it was trained on. Training evaluates its test side
 * through it, and evaluation, `ser predict`, streams, `ser serve`, the browser demo, tuning, comparison and the
 * notebooks all predict through it, so every path gives the same numbers. Browser-safe: reading and writing
 * model directories is in ./pipeline-dir.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { argmax, classificationMetrics, type ClassificationMetrics } from '../metrics/summary';
import { normaliserFromJSON, type Normaliser } from '../features/normaliser';
import { setDims, type LibrosaSetConfig } from '../features/sets';
import type { StandardizerState } from '../features/standardize';
import type { SerModelMeta } from '../models/model-format';
// The zoo imports every model builder, so custom layers (attention) are registered before deserialising.
import { classicProbabilities, type ClassicState } from '../models/zoo';
import { predictRows } from './fit';
import { fixFrames } from './frames';
import { UserError } from '../util/errors';
import type { TrainedModelPayload } from './train-model';

/**
 * Models trained with per-speaker normalisation z-score each speaker with that speaker's own statistics, so
 * prediction needs several clips of one speaker: all files of one call are taken as one speaker.
 */
export const MIN_CLIPS_PER_SPEAKER = 10;

/** What holds a pipeline's fitted model parameters. */
export type FittedModel = { kind: 'tfjs'; model: tf.LayersModel } | { kind: 'classic'; state: ClassicState };

/** Metrics of a pipeline on labelled clips (scikit-learn semantics, over the pipeline's label set). */
export interface PipelineEvaluation {
  metrics: ClassificationMetrics;
  /** Indices into the pipeline's labels, for the clips whose truth is one of them (in input order). */
  yTrue: number[];
  yPred: number[];
  /** Probabilities of those clips (rows sum to 1). */
  probabilities: number[][];
  /** Input positions of those clips. */
  kept: number[];
}

/**
 * Whether `meta` is a `ser.json` of a pipeline (a registry model with its split and feature set); directories of
 * the retired thin slice share the version-2 format but not this payload.
 */
export function isPipelineMeta(meta: SerModelMeta<Partial<TrainedModelPayload>>): boolean {
  const model = meta.payload?.model as { name?: unknown } | undefined;
  return meta.version === 2 && typeof model?.name === 'string' && Array.isArray(meta.payload?.shape);
}

export class Pipeline {
  readonly labels: string[];
  readonly features: LibrosaSetConfig;
  readonly normaliser: Normaliser;
  /** Per-example model input shape: [frames, dims] for sequences, [dims] for statistics. */
  readonly shape: number[];
  /** Features per vector (per frame for sequences). */
  readonly dims: number;

  /** `source` names the model (its directory) in messages. */
  constructor(
    readonly meta: SerModelMeta<TrainedModelPayload>,
    readonly fitted: FittedModel,
    readonly source: string,
  ) {
    const p = meta.payload;
    this.labels = meta.labels;
    this.features = p.features;
    this.shape = p.shape;
    this.dims = setDims(p.features);
    this.normaliser = normaliserFromJSON(p.normaliser, this.dims);
  }

  /** The pipeline of a model fitted in this process and not saved yet (training scores its test side with it). */
  static fromFitted(
    payload: TrainedModelPayload,
    labels: string[],
    fitted: FittedModel,
    source: string,
  ): Pipeline {
    const versions = { ser: '', tfjs: '', node: '' };
    const meta: SerModelMeta<TrainedModelPayload> = {
      ...{ format: 'ser-model', version: 2, kind: fitted.kind, labels, createdAt: '', versions },
      ...{ checksums: {}, payload },
    };
    return new Pipeline(meta, fitted, source);
  }

  /** What was recorded at training: model, protocol, data, metrics, history. */
  get info(): TrainedModelPayload {
    return this.meta.payload;
  }

  /** Zoo model name ('best', 'seed000', …). */
  get name(): string {
    return this.meta.payload.model.name;
  }

  get sequence(): boolean {
    return this.normaliser.sequence;
  }

  /**
   * Class probabilities (aligned with {@link Pipeline.labels}, each row summing to 1) of raw feature vectors as
   * the pipeline's feature set extracts them. Per-speaker pipelines need `speakers` (one per vector) and
   * z-score each speaker with the statistics of that speaker's vectors in this call.
   */
  predictProba(vectors: readonly Float32Array[], speakers?: readonly string[]): number[][] {
    if (vectors.length === 0) return [];
    if (this.normaliser.perSpeaker && (!speakers || speakers.length !== vectors.length))
      throw new UserError(
        'this model uses per-speaker normalisation: give the speaker of every clip',
        this.source,
      );
    return this.predictProbaNormalised(this.normaliser.transform(vectors, speakers));
  }

  /** Labels of raw feature vectors (see {@link Pipeline.predictProba}). */
  predict(vectors: readonly Float32Array[], speakers?: readonly string[]): string[] {
    return this.predictProba(vectors, speakers).map((p) => this.labels[argmax(p)]);
  }

  /** Probabilities of vectors normalised already (by statistics the caller chose, e.g. a stream's own). */
  predictProbaNormalised(rows: readonly Float32Array[]): number[][] {
    if (rows.length === 0) return [];
    const fitted = this.fitted;
    if (fitted.kind === 'classic') return classicProbabilities(fitted.state, rows);
    const fixed = this.sequence ? rows.map((r) => fixFrames(r, this.dims, this.shape[0])) : [...rows];
    return tf.tidy(() =>
      predictRows(fitted.model, { rows: fixed, shape: this.shape }).map((r) => Array.from(r)),
    );
  }

  /** Z-score one raw vector with given statistics (a stream's own, for per-speaker pipelines). */
  normaliseWith(state: StandardizerState, vector: Float32Array): Float32Array {
    return this.normaliser.transformWith(state, vector);
  }

  /**
   * Metrics on labelled raw vectors. Every vector is normalised (per-speaker statistics come from all of a
   * speaker's vectors given, whatever their label), then clips whose truth is not in the label set are left out.
   */
  evaluate(
    vectors: readonly Float32Array[],
    truth: readonly string[],
    speakers?: readonly string[],
  ): PipelineEvaluation {
    const all = this.predictProba(vectors, speakers);
    const kept = truth.flatMap((t, i) => (this.labels.includes(t) ? [i] : []));
    const yTrue = kept.map((i) => this.labels.indexOf(truth[i]));
    const probabilities = kept.map((i) => all[i]);
    const yPred = probabilities.map((p) => argmax(p));
    return { metrics: classificationMetrics(yTrue, yPred, this.labels), yTrue, yPred, probabilities, kept };
  }

  dispose(): void {
    if (this.fitted.kind === 'tfjs') this.fitted.model.dispose();
  }
}
