/**
 * `ser split`: make a train/test split of a manifest (stratified random, grouped k-fold by speaker,
 * leave-one-speaker-out or cross-corpus), check it, save it as JSON with its seed and manifest hash, and print
 * the fold sizes.
 */
import {
  crossCorpusSplit,
  defaultSplitDir,
  foldRows,
  groupedKFoldSplit,
  leaveOneSpeakerOutSplit,
  saveSplit,
  speakerKey,
  stratifiedRandomSplit,
  type Manifest,
  type Split,
} from '../data';
import { UserError } from '../util/errors';
import { intOption, type ParsedArgs } from './args';
import type { Command } from './commands';
import { MANIFEST_INPUT_OPTIONS, manifestFromArgs } from './manifest-command';

const PROTOCOLS = ['random', 'kfold', 'loso', 'cross-corpus'] as const;
const out = (s: string) => process.stdout.write(s + '\n');

function makeSplit(m: Manifest, args: ParsedArgs): Split {
  const protocol = args.values.protocol;
  const seed = intOption(args, 'seed', 'split');
  switch (protocol) {
    case 'random': {
      const fraction = Number(args.values['test-fraction']);
      if (!(fraction > 0 && fraction < 1)) {
        throw new UserError(
          `split: --test-fraction must be in (0, 1), got "${String(args.values['test-fraction'])}"`,
        );
      }
      return stratifiedRandomSplit(m, { testFraction: fraction, seed: seed ?? 0 });
    }
    case 'kfold':
      return groupedKFoldSplit(m, { k: intOption(args, 'k', 'split'), seed: seed ?? null });
    case 'loso':
      return leaveOneSpeakerOutSplit(m);
    case 'cross-corpus': {
      const train = String(args.values.train ?? '')
        .split(',')
        .filter((s) => s !== '');
      const test = args.values.test;
      if (train.length === 0 || typeof test !== 'string' || test === '') {
        throw new UserError('split: cross-corpus needs --train CORPUS[,CORPUS] and --test CORPUS');
      }
      return crossCorpusSplit(m, { train, test, sharedEmotionsOnly: args.values['all-emotions'] !== true });
    }
    default:
      throw new UserError(
        `split: --protocol must be one of ${PROTOCOLS.join(', ')}, got "${String(protocol)}"`,
      );
  }
}

export const split: Command = {
  spec: {
    name: 'split',
    summary:
      'ser split — make, check and save a train/test split of the corpora (speaker-independent unless random).',
    usage:
      'ser split --protocol random|kfold|loso|cross-corpus [--corpus NAME[,NAME]] [--root DIR] [--dir DIR] [--json]',
    options: {
      protocol: {
        type: 'string',
        value: 'NAME',
        description:
          'random (stratified by emotion, NOT speaker-independent), kfold (grouped by speaker, stratified), loso (leave one speaker out), cross-corpus',
      },
      ...MANIFEST_INPUT_OPTIONS,
      k: { type: 'string', value: 'N', description: 'kfold: number of folds', default: '5' },
      seed: {
        type: 'string',
        value: 'N',
        description: 'random: shuffle seed (default 0); kfold: shuffle speakers (default: none)',
      },
      'test-fraction': {
        type: 'string',
        value: 'X',
        description: 'random: share of each emotion in test',
        default: '0.2',
      },
      train: { type: 'string', value: 'NAME[,NAME]', description: 'cross-corpus: corpora to train on' },
      test: { type: 'string', value: 'NAME', description: 'cross-corpus: corpus to test on' },
      'all-emotions': {
        type: 'boolean',
        description: 'cross-corpus: keep emotions missing on the other side',
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
      'ser split --protocol kfold --k 5 --corpus tess,ravdess --root data',
      'ser split --protocol cross-corpus --corpus tess,ravdess --train tess --test ravdess',
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
    for (const f of folds) {
      const speakers = s.speakerIndependent ? `  test speakers: ${f.testSpeakers.join(', ')}` : '';
      out(
        `  ${f.name}: train ${f.train}, test ${f.test}${f.purged ? `, ${f.purged} purged duplicates` : ''}${speakers}`,
      );
    }
  },
};
