/**
 * `ser compare DIR_A DIR_B`: two model directories evaluated on the same held-out clips, metrics side by side
 * with bootstrap intervals, the paired accuracy difference and McNemar's test.
 */
import { corpusNames, resolveDataRoot } from '../data';
import { compareEvaluations, evaluateModelDir, formatComparison } from '../evaluate';
import { UserError } from '../util/errors';
import type { Command } from './commands';

export const compare: Command = {
  spec: {
    name: 'compare',
    summary:
      'ser compare — two model directories on the same test clips: metrics side by side, McNemar p-value.',
    usage: 'ser compare MODEL_DIR_A MODEL_DIR_B [--corpus A[,B]] [--root DIR] [--json]',
    options: {
      corpus: {
        type: 'string',
        value: 'A[,B]',
        description: `corpora both models are evaluated on (${corpusNames().join(', ')}; default: those the models were trained on)`,
      },
      root: {
        type: 'string',
        value: 'DIR',
        description: 'data root holding corpus folders (else $SER_DATA_DIR, else data/)',
      },
      json: {
        type: 'boolean',
        description: 'print one JSON object (protocol, n, models with metrics and intervals, mcnemar, …)',
      },
    },
    positionals: true,
    examples: ['ser compare models/mlp models/svm --root data'],
  },
  async run(args) {
    if (args.positionals.length !== 2) {
      throw new UserError(
        `compare: give exactly two model directories, got ${args.positionals.length} (see ser compare --help)`,
      );
    }
    const corpus = args.values.corpus as string | undefined;
    const root = resolveDataRoot(args.values.root as string | undefined);
    const evaluations = [];
    for (const modelDir of args.positionals)
      evaluations.push(await evaluateModelDir({ modelDir, corpus, root }));
    let comparison;
    try {
      comparison = compareEvaluations(evaluations[0].report, evaluations[1].report, {
        names: [args.positionals[0], args.positionals[1]],
      });
    } catch (err) {
      // Different test sets or label sets are a usage mistake, not a bug.
      throw new UserError(`compare: ${(err as Error).message}`);
    }
    if (args.values.json) process.stdout.write(JSON.stringify(comparison) + '\n');
    else process.stdout.write(formatComparison(comparison) + '\n');
  },
};
