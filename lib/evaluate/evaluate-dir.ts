/**
 * Re-evaluate a model directory written by `ser train` (a Pipeline): rebuild the same split from the corpora it
 * records (or those given) under `root`, check it is the split the model was trained on (manifest hash), and
 * predict the whole test side of the stored fold through the Pipeline, as training scored it.
 */
import { speakerKey } from '../data/split';
import { loadFeatureTable, makeSplit } from '../train/dataset';
import { loadPipeline } from '../train/pipeline-dir';
import { UserError } from '../util/errors';
import { buildEvaluationReport, describeProtocol, protocolFromSplit } from './evaluation-report';
import type { EvaluateOptions, Evaluation } from './evaluation';

export type { EvaluateOptions, Evaluation } from './evaluation';

/** Evaluate `options.modelDir` on the test side of the fold it was trained on. */
export async function evaluateModelDir(options: EvaluateOptions): Promise<Evaluation> {
  const pipeline = await loadPipeline(options.modelDir);
  try {
    const p = pipeline.info;
    const corpora = options.corpus?.split(',').filter((c) => c !== '') ?? p.data?.corpora;
    if (!corpora)
      throw new UserError(
        'this model directory does not record its corpora (saved by an older ser): give --corpus',
        options.modelDir,
      );
    // The subset the model was trained on, unless the caller asks for another (refused below if it differs).
    const limitPerClass = options.limitPerClass ?? p.data?.limitPerClass ?? undefined;
    const table = await loadFeatureTable(corpora, options.root, p.features, {
      progress: options.progress ?? true,
      seed: p.training.seed,
      limitPerClass,
    });
    const split = makeSplit(table, p.split.name, { seed: p.training.seed });
    if (split.manifestHash !== p.split.manifestHash) {
      const trained = p.data
        ? `${p.data.corpora.join(',')}${p.data.limitPerClass ? ` with --limit-per-class ${p.data.limitPerClass}` : ''}`
        : null;
      throw new UserError(
        `the clips of ${corpora.join(',')} under ${options.root} are not those the model was split on ` +
          `(manifest hash differs${trained ? `; it was trained on ${trained}` : ': other corpora, another copy, or another --limit-per-class'})`,
        options.modelDir,
      );
    }
    const fold = split.folds[p.split.foldIndex];
    const byId = new Map(table.rows.map((r, i) => [r.id, i]));
    // The whole test side: per-speaker statistics come from all of a speaker's test clips, as at training.
    const test = fold.test.map((id) => byId.get(id)!);
    const side = test.map((i) => table.rows[i]);
    const e = pipeline.evaluate(
      test.map((i) => table.vectors.get(i)),
      side.map((r) => r.emotion),
      side.map(speakerKey),
    );
    const rows = e.kept.map((i) => side[i]);
    const protocol = protocolFromSplit(
      split,
      fold,
      rows.map((r) => r.corpus),
    );
    const report = buildEvaluationReport(
      {
        protocol,
        labels: pipeline.labels,
        yTrue: e.yTrue,
        yPred: e.yPred,
        probabilities: e.probabilities,
        clips: rows.map((r) => ({ ...r, id: r.id })),
        model: options.modelDir,
      },
      { bootstrap: { nResamples: options.nResamples }, bootstrapBySpeaker: options.bootstrapBySpeaker },
    );
    return {
      ...e.metrics,
      report,
      history: p.training.history.map((h) => ({ ...h })),
      protocol: `${describeProtocol(protocol)} · ${p.normaliser.kind} normalisation`,
      corpus: corpora.join(','),
      testSpeakers: [...new Set(rows.map(speakerKey))].sort(),
      skipped: table.skipped,
      clips: rows,
    };
  } finally {
    pipeline.dispose();
  }
}
