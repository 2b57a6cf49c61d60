/**
 * `ser augment`: expand the training side of one fold of a split with augmented copies, written as WAV files
 * with their provenance (`augmented.json`) and, with --features, their features in the feature cache.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRecipe } from '../augment/compose';
import { renderCopies } from '../augment/offline';
import { planTrainingCopies } from '../augment/training';
import { buildManifest, resolveDataRoot } from '../data';
import {
  foldIndex,
  loadSplit,
  makeProtocolSplit,
  splitProtocolsHelp,
  type Split,
  type SplitSource,
} from '../data/split';
import { featureSet, featureSetNames } from '../features/sets';
import { UserError } from '../util/errors';
import { FOLD_HELP, intOption, requireString, type ParsedArgs } from './args';
import type { Command } from './commands';

function chooseSplit(args: ParsedArgs, source: SplitSource, corpora: string[], seed: number): Split {
  const file = args.values.split;
  if (typeof file === 'string' && file !== '') return loadSplit(file, source);
  return makeProtocolSplit(source, (args.values.protocol as string | undefined) ?? 'speaker', {
    k: intOption(args, 'k', 'augment'),
    seed,
    corpora,
  });
}

export const augment: Command = {
  spec: {
    name: 'augment',
    summary: "ser augment — augmented copies of a split's training clips (never of its test clips)",
    usage: 'ser augment --corpus NAMES --recipe FILE --out DIR [options]',
    options: {
      corpus: { type: 'string', value: 'NAMES', description: 'comma-separated corpora (e.g. tess,ravdess)' },
      recipe: {
        type: 'string',
        value: 'FILE',
        description: 'augmentation recipe (JSON, see lib/augment/compose.ts)',
      },
      out: { type: 'string', value: 'DIR', description: 'folder for the copies and augmented.json' },
      data: { type: 'string', value: 'DIR', description: 'data root (default: $SER_DATA_DIR or ./data)' },
      split: {
        type: 'string',
        value: 'FILE',
        description: 'a saved split (ser split); default: made with --protocol',
      },
      protocol: {
        type: 'string',
        value: 'NAME',
        description: `split protocol when no --split: ${splitProtocolsHelp()}`,
        default: 'speaker',
      },
      k: { type: 'string', value: 'N', description: 'folds of speaker (default min(5, speakers))' },
      fold: {
        type: 'string',
        value: 'N',
        description: `fold whose training side is expanded: ${FOLD_HELP}`,
        default: '1',
      },
      copies: {
        type: 'string',
        value: 'N',
        description: "copies per training clip (default: the recipe's, else 1)",
      },
      seed: { type: 'string', value: 'N', description: 'seed of the copies', default: '0' },
      'sample-rate': {
        type: 'string',
        value: 'HZ',
        description: 'rate the clips are loaded at',
        default: '22050',
      },
      features: {
        type: 'string',
        value: 'SET',
        description: `also cache this feature set of every copy: ${featureSetNames().join(', ')}`,
      },
      limit: { type: 'string', value: 'N', description: 'render only the first N copies (for a quick look)' },
    },
    examples: ['ser augment --corpus tess --recipe recipes/light.json --out augmented/tess-fold0 --copies 2'],
  },
  async run(args) {
    const corpora = requireString(args, 'corpus', 'augment')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== '');
    const recipeFile = requireString(args, 'recipe', 'augment');
    const outDir = requireString(args, 'out', 'augment');
    let recipeJson: unknown;
    try {
      recipeJson = JSON.parse(fs.readFileSync(recipeFile, 'utf8'));
    } catch (err) {
      throw new UserError(`cannot read recipe: ${(err as Error).message.split('\n')[0]}`, recipeFile);
    }
    const recipe = parseRecipe(recipeJson);
    const seed = intOption(args, 'seed', 'augment') ?? 0;
    const root = typeof args.values.data === 'string' ? args.values.data : resolveDataRoot();
    const manifest = await buildManifest({ corpora, root });
    const source = { hash: manifest.hash, rows: manifest.rows };
    const split = chooseSplit(args, source, corpora, seed);
    const index = foldIndex(split, intOption(args, 'fold', 'augment') ?? 1);
    const copies = intOption(args, 'copies', 'augment') ?? recipe.copies ?? 1;
    let plan = planTrainingCopies(source, split, index, { copies, seed });
    const limit = intOption(args, 'limit', 'augment');
    if (limit !== undefined) plan = plan.slice(0, limit);
    const featureName = args.values.features;
    const featureConfig =
      typeof featureName === 'string' && featureName !== '' ? featureSet(featureName) : undefined;
    const sampleRate = featureConfig?.sampleRate ?? intOption(args, 'sample-rate', 'augment') ?? 22050;
    const set = renderCopies(plan, manifest.rows, recipe, outDir, { sampleRate, featureConfig });
    const fold = split.folds[index];
    const clipped = set.copies.filter((c) => c.range.action !== 'none').length;
    process.stdout.write(
      `${set.copies.length} copies of ${new Set(plan.map((c) => c.sourceId)).size} training clips of ${split.protocol} ` +
        `${fold.name} (${fold.test.length} test clips untouched) → ${path.join(outDir, 'augmented.json')}` +
        (clipped > 0 ? `; ${clipped} went beyond ±1 (${recipe.outOfRange ?? 'peak-normalize'})` : '') +
        (set.featureConfigHash ? `; features cached under ${set.featureConfigHash}` : '') +
        '\n',
    );
  },
};
