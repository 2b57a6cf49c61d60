/**
 * What evaluating a model directory (lib/evaluate/evaluate-dir.ts) takes and gives.
 */
import type { ManifestRow } from '../data/manifest';
import type { EpochRecord } from '../metrics/history';
import type { ClassificationMetrics } from '../metrics/summary';
import type { EvaluationReport } from './evaluation-report';

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
  /** Corpora, comma-separated. Default: those the model directory records it was trained on. */
  corpus?: string;
  root: string;
  progress?: boolean;
  /** Evaluate on at most this many clips per (speaker, emotion) of the test speakers (quick runs). Default: all. */
  limitPerClass?: number;
  /** Bootstrap resamples for the intervals. Default 1000. */
  nResamples?: number;
  /** Resample test speakers instead of clips (cluster bootstrap; needs 2 or more test speakers). Default false. */
  bootstrapBySpeaker?: boolean;
}
