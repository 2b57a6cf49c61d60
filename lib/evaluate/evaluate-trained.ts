/**
 * Re-evaluate a model directory written by `ser train --model` (version 2): rebuild the same split from the
 * corpora under `root`, check it is the split the model was trained on (manifest hash), and predict the test
 * side of the stored fold with the stored feature set and normaliser.
 */
import { speakerKey } from '../data/split';
import { scoresAsConfidences } from '../models/svm';
import { loadFeatureTable, makeSplit } from '../train/dataset';
import { loadTrainedModel } from '../train/trained-model';
import { UserError } from '../util/errors';
import { buildEvaluationReport, describeProtocol, protocolFromSplit } from './evaluation-report';
import { argmax, classificationMetrics } from '../metrics/summary';
import type { EvaluateOptions, Evaluation } from './evaluation';

export async function evaluateTrainedModelDir(options: EvaluateOptions): Promise<Evaluation> {
  const model = await loadTrainedModel(options.modelDir);
  try {
    const p = model.meta.payload;
    const corpora = options.corpus.split(',').filter((c) => c !== '');
    const table = await loadFeatureTable(corpora, options.root, p.features, {
      progress: options.progress ?? true,
      seed: p.training.seed,
      limitPerClass: options.limitPerClass,
    });
    const split = makeSplit(table, p.split.name, { seed: p.training.seed });
    if (split.manifestHash !== p.split.manifestHash) {
      throw new UserError(
        `the clips of ${corpora.join(',')} under ${options.root} are not those the model was split on ` +
          '(manifest hash differs: other corpora, another copy, or another --limit-per-class)',
        options.modelDir,
      );
    }
    const fold = split.folds[p.split.foldIndex];
    const byId = new Map(table.rows.map((r, i) => [r.id, i]));
    const test = fold.test
      .map((id) => byId.get(id)!)
      .filter((i) => model.labels.includes(table.rows[i].emotion));
    const rows = test.map((i) => table.rows[i]);
    const probs = model.predict(
      test.map((i) => table.vectors.get(i)),
      rows.map(speakerKey),
    );
    const yTrue = rows.map((r) => model.labels.indexOf(r.emotion));
    const yPred = probs.map((q) => argmax(q));
    const confidences = scoresAsConfidences(p.model.config as { kind?: string }, probs);
    const protocol = protocolFromSplit(
      split,
      fold,
      rows.map((r) => r.corpus),
    );
    const report = buildEvaluationReport(
      {
        protocol,
        labels: model.labels,
        yTrue,
        yPred,
        probabilities: confidences,
        clips: rows.map((r) => ({ ...r, id: r.id })),
        model: options.modelDir,
      },
      { bootstrap: { nResamples: options.nResamples }, bootstrapBySpeaker: options.bootstrapBySpeaker },
    );
    return {
      ...classificationMetrics(yTrue, yPred, model.labels),
      report,
      history: p.training.history.map((h) => ({ ...h })),
      protocol: `${describeProtocol(protocol)} · ${p.normaliser.kind} normalisation`,
      corpus: options.corpus,
      testSpeakers: [...new Set(rows.map(speakerKey))].sort(),
      skipped: table.skipped,
      clips: rows,
    };
  } finally {
    model.dispose();
  }
}
