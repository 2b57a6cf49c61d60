/**
 * `ser split`: make a train/test split of a manifest (stratified random, grouped k-fold by speaker,
 * leave-one-speaker-out or cross-corpus), check it, save it as JSON with its seed and manifest hash, and print
 * the fold sizes.
 */
import {
  defaultSplitDir,
  foldRows,
  makeProtocolSplit,
  saveSplit,
  speakerKey,
  splitName,
  splitProtocolsHelp,
  SPLIT_NAMES,
  type Manifest,
  type Split,
} from '../data';
import { UserError } from '../util/errors';
import { intOption, type ParsedArgs } from './args';
import type { Command } from './commands';
import { MANIFEST_INPUT_OPTIONS, manifestFromArgs } from './manifest-command';

const out = (s: string) => process.stdout.write(s + '\n');

function makeSplit(m: Manifest, args: ParsedArgs): Split {
  const protocol = splitName(String(args.values.protocol));
  const seed = intOption(args, 'seed', 'split');
  const fraction = Number(args.values['test-fraction']);
  if (protocol === 'random' && !(fraction > 0 && fraction < 1))
    throw new UserError(
      `split: --test-fraction must be in (0, 1), got "${String(args.values['test-fraction'])}"`,
    );
  const train = String(args.values.train ?? '')
    .split(',')
    .filter((s) => s !== '');
  const test = args.values.test;
  if (protocol === 'cross' && (train.length === 0 || typeof test !== 'string' || test === ''))
    throw new UserError('split: cross needs --train CORPUS[,CORPUS] and --test CORPUS');
  return makeProtocolSplit(m, protocol, {
    k: intOption(args, 'k', 'split'),
    seed: seed ?? 0,
    speakerSeed: seed ?? null,
    testFraction: fraction,
    train,
    test: typeof test === 'string' ? test : undefined,
    sharedEmotionsOnly: args.values['all-emotions'] !== true,
  });
}

export const split: Command = {
  spec: {
    name: 'split',
    summary:
      'ser split — make, check and save a train/test split of the corpora (speaker-independent unless random).',
    usage: `ser split --protocol ${SPLIT_NAMES.join('|')} [--corpus NAME[,NAME]] [--root DIR] [--dir DIR] [--json]`,
    options: {
      protocol: {
        type: 'string',
        value: 'NAME',
        description: splitProtocolsHelp(),
      },
      ...MANIFEST_INPUT_OPTIONS,
      k: { type: 'string', value: 'N', description: 'speaker: number of folds (default min(5, speakers))' },
      seed: {
        type: 'string',
        value: 'N',
        description: 'random: shuffle seed (default 0); speaker: shuffle speakers (default: none)',
      },
      'test-fraction': {
        type: 'string',
        value: 'X',
        description: 'random: share of each emotion in test',
        default: '0.2',
      },
      train: { type: 'string', value: 'NAME[,NAME]', description: 'cross: corpora to train on' },
      test: { type: 'string', value: 'NAME', description: 'cross: corpus to test on' },
      'all-emotions': {
        type: 'boolean',
        description: 'cross: keep emotions missing on the other side',
      },
      dir: {
        type: 'string',
        value: 'DIR',
        description: `where to save the split (default ${defaultSplitDir()})`,
      },
      json: {
        type: 'boolean',
        description: 'print one JSON object (file, protocol, seed, manifest hash, fold sizes)',
      },
    },
    examples: [
      'ser split --protocol speaker --k 5 --corpus tess,ravdess --root data',
      'ser split --protocol cross --corpus tess,ravdess --train tess --test ravdess',
    ],
  },
  async run(args) {
    if (args.values.protocol === undefined)
      throw new UserError('split: --protocol is required (see ser split --help)');
    const { manifest } = await manifestFromArgs(args, 'split');
    const s = makeSplit(manifest, args);
    const file = saveSplit(s, (args.values.dir as string | undefined) ?? defaultSplitDir());
    const folds = s.folds.map((f) => {
      const { test } = foldRows(manifest, f);
      return {
        name: f.name,
        train: f.train.length,
        test: f.test.length,
        purged: f.purged.length,
        testSpeakers: [...new Set(test.map(speakerKey))],
      };
    });
    if (args.values.json) {
      const { protocol, speakerIndependent, seed, params, manifestHash } = s;
      out(JSON.stringify({ file, protocol, speakerIndependent, seed, params, manifestHash, folds }, null, 2));
      return;
    }
    out(
      `${s.protocol} split of manifest ${s.manifestHash.slice(0, 12)} (seed ${s.seed ?? 'none'}) saved to ${file}`,
    );
    if (!s.speakerIndependent) out('  NOT speaker-independent: the same speakers are on both sides.');
    // Folds are numbered from 1, as `--fold` takes them.
    folds.forEach((f, i) => {
      const speakers = s.speakerIndependent ? `  test speakers: ${f.testSpeakers.join(', ')}` : '';
      const name = f.name.startsWith(`fold ${i + 1}/`) ? f.name : `fold ${i + 1}/${folds.length} (${f.name})`;
      out(
        `  ${name}: train ${f.train}, test ${f.test}${f.purged ? `, ${f.purged} purged duplicates` : ''}${speakers}`,
      );
    });
  },
};
