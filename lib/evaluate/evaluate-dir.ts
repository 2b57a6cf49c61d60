/**
 * Evaluate a saved model directory on the held-out speakers recorded in its `ser.json`.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { loadCorpus } from '../data/corpora';
import { applySpeakerSplit } from '../data/split';
import { limitPerSpeakerEmotion } from '../data/subset';
import { standardize } from '../features/standardize';
import { loadModelDir } from '../models/model-dir';
import { isPipelineDir } from '../train/pipeline-dir';
import { evaluateTrainedModelDir } from './evaluate-trained';
import { recordFeatures, type SlicePayload } from '../train/slice';
import { UserError } from '../util/errors';
import { buildEvaluationReport, protocolFromSpeakerSplit } from './evaluation-report';
import { argmax, classificationMetrics } from '../metrics/summary';
import type { EvaluateOptions, Evaluation } from './evaluation';

export type { EvaluateOptions, Evaluation } from './evaluation';

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
  if (isPipelineDir(options.modelDir)) return evaluateTrainedModelDir(options);
  await initBackend();
  const { model, meta } = await loadModelDir<SlicePayload>(options.modelDir);
  try {
    const split = meta.payload.split;
    if (options.corpus !== undefined && split.corpus !== options.corpus) {
      throw new UserError(
        `model was trained on corpus "${split.corpus}", not "${options.corpus}"`,
        options.modelDir,
      );
    }
    const corpus = await loadCorpus(split.corpus, options.root);
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
      corpus: split.corpus,
      testSpeakers: split.testSpeakers,
      skipped: feats.skipped,
    };
  } finally {
    model.dispose();
  }
}
