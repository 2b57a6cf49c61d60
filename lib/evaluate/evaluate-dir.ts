/**
 * Evaluate a saved model directory on the held-out speakers recorded in its `ser.json`.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { loadCorpus } from '../data/corpora';
import type { ManifestRow } from '../data/manifest';
import { applySpeakerSplit } from '../data/split';
import { limitPerSpeakerEmotion } from '../data/subset';
import { standardize } from '../features/standardize';
import { loadModelDir } from '../models/model-dir';
import { isTrainedModelDir } from '../train/trained-model';
import { evaluateTrainedModelDir } from './evaluate-trained';
import { recordFeatures, type SlicePayload } from '../train/slice';
import { UserError } from '../util/errors';
import { buildEvaluationReport, protocolFromSpeakerSplit, type EvaluationReport } from './evaluation-report';
import { argmax, classificationMetrics, type ClassificationMetrics } from '../metrics/summary';
import type { EpochRecord } from '../metrics/history';

export interface Evaluation extends ClassificationMetrics {
  /** The protocol in words, e.g. "speaker-independent (tess: train OAF → test YAF)". */
  protocol: string;
  corpus: string;
  testSpeakers: string[];
  skipped: { path: string; reason: string }[];
  /** The full evaluation: sklearn report, bootstrap intervals, breakdowns, per-clip predictions (id = path). */
  report: EvaluationReport;
  /** The model's training history (learning curves), from its `ser.json`. */
  history: EpochRecord[];
  /** The test clips in prediction order (model directories of `ser train --model`). */
  clips?: ManifestRow[];
}

export interface EvaluateOptions {
  modelDir: string;
  corpus: string;
  root: string;
  progress?: boolean;
  /** Evaluate on at most this many clips per (speaker, emotion) of the test speakers (quick runs). Default: all. */
  limitPerClass?: number;
  /** Bootstrap resamples for the intervals. Default 1000. */
  nResamples?: number;
  /** Resample test speakers instead of clips (cluster bootstrap; needs 2 or more test speakers). Default false. */
  bootstrapBySpeaker?: boolean;
}

/** Predict class probabilities for standardized feature vectors. */
export function predictProbabilities(model: tf.LayersModel, rows: Float32Array[]): number[][] {
  if (rows.length === 0) return [];
  const dims = rows[0].length;
  const flat = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => flat.set(r, i * dims));
  return tf.tidy(() => {
    const x = tf.tensor2d(flat, [rows.length, dims]);
    return (model.predict(x) as tf.Tensor2D).arraySync();
  });
}

/** Evaluate `modelDir` on the test speakers of its split, read from `corpus` under `root`. */
export async function evaluateModelDir(options: EvaluateOptions): Promise<Evaluation> {
  // Directories of `ser train --model` rebuild their split from the manifest.
  if (isTrainedModelDir(options.modelDir)) return evaluateTrainedModelDir(options);
  await initBackend();
  const { model, meta } = await loadModelDir<SlicePayload>(options.modelDir);
  try {
    const split = meta.payload.split;
    if (split.corpus !== options.corpus) {
      throw new UserError(
        `model was trained on corpus "${split.corpus}", not "${options.corpus}"`,
        options.modelDir,
      );
    }
    const corpus = await loadCorpus(options.corpus, options.root);
    const records =
      options.limitPerClass === undefined
        ? corpus.records
        : limitPerSpeakerEmotion(corpus.records, options.limitPerClass, meta.payload.training.seed);
    const { test } = applySpeakerSplit(records, split);
    const feats = await recordFeatures(
      test,
      meta.payload.features,
      options.progress ?? true,
      'features (test)',
    );
    const probs = predictProbabilities(
      model,
      feats.vectors.map((v) => standardize(meta.payload.normaliser, v)),
    );
    const yTrue = feats.records.map((r) => meta.labels.indexOf(r.emotion));
    const yPred = probs.map((p) => argmax(p));
    const report = buildEvaluationReport(
      {
        protocol: protocolFromSpeakerSplit(split),
        labels: meta.labels,
        yTrue,
        yPred,
        probabilities: probs,
        clips: feats.records.map((r) => ({ ...r, id: r.path })),
        model: options.modelDir,
      },
      { bootstrap: { nResamples: options.nResamples } },
    );
    return {
      ...classificationMetrics(yTrue, yPred, meta.labels),
      report,
      history: meta.payload.training.history,
      protocol: split.description,
      corpus: options.corpus,
      testSpeakers: split.testSpeakers,
      skipped: feats.skipped,
    };
  } finally {
    model.dispose();
  }
}
