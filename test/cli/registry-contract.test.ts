/**
 * Contract tests over the registries, run through the CLI entry `main()` in-process on small real subsets
 * (TESS and RAVDESS clips linked into a temporary data root, and the same clips laid out as every other corpus
 * the loaders know): every feature-set name, every split name (and its older aliases) and every corpus name is
 * accepted by every command that takes one, and an unknown name or an out-of-range fold is one line listing
 * what is valid, exit 1. The lists come from the registries, so a new entry is checked without editing this file.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { main } from '../../lib/cli/main';
import { corpusNames } from '../../lib/data/corpora';
import { SPLIT_NAMES, SPLIT_PROTOCOLS } from '../../lib/data/split';
import { featureSet, featureSetNames } from '../../lib/features/sets';
import { loadFeatureTable } from '../../lib/train/dataset';
import { tempDir } from '../data/fixtures';
import { realDataRoot } from '../helpers/data';

process.env.SER_PROGRESS = '0';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `ser ARGV` in this process. Text the command writes is captured; binary chunks (the test runner's own
 * reports to its parent) pass through.
 */
async function ser(argv: string[]): Promise<Run> {
  const captured = { stdout: '', stderr: '' };
  const streams = ['stdout', 'stderr'] as const;
  const originals = streams.map((s) => process[s].write);
  streams.forEach((s, i) => {
    const original = originals[i];
    process[s].write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      if (typeof chunk !== 'string') return original.call(process[s], chunk, ...(rest as []));
      captured[s] += chunk;
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stdout.write;
  });
  try {
    const code = await main(argv);
    return { code, ...captured };
  } finally {
    streams.forEach((s, i) => (process[s].write = originals[i]));
  }
}

/** A user error: exit 1, one line naming `name` and listing every valid value. */
function assertOneLineError(r: Run, name: string, valid: readonly string[], what: string): void {
  assert.equal(r.code, 1, `${what}: exit ${r.code}; ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
  assert.ok(lines[0].includes(name), `${what}: "${lines[0]}" names ${name}`);
  for (const v of valid) assert.ok(lines[0].includes(v), `${what}: "${lines[0]}" lists ${v}`);
}

/** Real clips of one speaker and emotion: the first `n` of the folder or list. */
function tessClips(speaker: string, emotion: string, n: number): string[] {
  const dir = path.join(realDataRoot('tess'), 'tess', `${speaker}_${emotion}`);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .slice(0, n)
    .map((f) => path.join(dir, f));
}

const EMOTIONS = ['angry', 'sad'] as const;

/**
 * A data root with 2 TESS speakers × angry, sad × 2 clips and 2 RAVDESS actors × the same × 2 clips, linked to
 * the real files.
 */
function smallRoot(): string {
  const root = tempDir('ser-contract-');
  for (const speaker of ['OAF', 'YAF'])
    for (const emotion of EMOTIONS)
      for (const file of tessClips(speaker, emotion, 2)) {
        const to = path.join(root, 'tess', `${speaker}_${emotion}`, path.basename(file));
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.symlinkSync(file, to);
      }
  const ravdess = path.join(realDataRoot('ravdess'), 'ravdess');
  for (const actor of ['Actor_01', 'Actor_02'])
    for (const code of ['05', '04']) {
      const files = fs
        .readdirSync(path.join(ravdess, actor))
        .filter((f) => f.split('-')[2] === code)
        .sort()
        .slice(0, 2);
      for (const f of files) {
        const to = path.join(root, 'ravdess', actor, f);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.symlinkSync(path.join(ravdess, actor, f), to);
      }
    }
  return root;
}

let shared: { root: string; recipe: string; work: string } | undefined;
function fixture(): { root: string; recipe: string; work: string } {
  if (shared) return shared;
  const root = smallRoot();
  const work = tempDir('ser-contract-work-');
  const recipe = path.join(work, 'recipe.json');
  fs.writeFileSync(
    recipe,
    JSON.stringify({ version: 1, transforms: [{ name: 'gain', minGainDb: -3, maxGainDb: 3 }] }),
  );
  shared = { root, recipe, work };
  return shared;
}

test('every feature-set name is accepted by ser features, ser augment --features, ser train --features and loadFeatureTable', async () => {
  const { root, recipe, work } = fixture();
  for (const name of featureSetNames()) {
    const set = featureSet(name);
    const features = await ser(['features', '--corpus', 'tess', '--root', root, '--set', name, '--json']);
    assert.equal(features.code, 0, `features --set ${name}: ${features.stderr}`);
    const summary = JSON.parse(features.stdout) as { set: string; extracted: number };
    assert.equal(summary.set, set.name);
    assert.equal(summary.extracted, 8);

    const out = path.join(work, `augment-${name}`);
    const augment = await ser([
      'augment',
      '--corpus',
      'tess',
      '--data',
      root,
      '--recipe',
      recipe,
      '--out',
      out,
      '--features',
      name,
      '--limit',
      '1',
    ]);
    assert.equal(augment.code, 0, `augment --features ${name}: ${augment.stderr}`);
    assert.match(augment.stdout, /features cached under [0-9a-f]+/);

    // A classic model on per-clip statistics, a 1-D CNN on sequences: each set with a model that reads its shape.
    const model = set.output === 'stats' ? ['seed004-svm'] : ['seed000', '--epochs', '1'];
    const train = await ser([
      'train',
      '--model',
      ...model,
      '--features',
      name,
      '--corpus',
      'tess',
      '--root',
      root,
      '--split',
      'random',
      '--out',
      path.join(work, `train-${name}`),
      '--json',
    ]);
    assert.equal(train.code, 0, `train --features ${name}: ${train.stderr}`);
    assert.equal((JSON.parse(train.stdout) as { n: number }).n, 2);

    const table = await loadFeatureTable(['tess'], root, name, { progress: false });
    assert.equal(table.rows.length, 8);
    assert.equal(table.features.name, set.name);
  }
});

test('an unknown feature-set name is one line listing every valid name, exit 1, in every command that takes one', async () => {
  const { root, recipe, work } = fixture();
  const valid = featureSetNames();
  const runs: [string, string[]][] = [
    ['features', ['features', '--corpus', 'tess', '--root', root, '--set', 'no-such-set']],
    [
      'augment',
      [
        'augment',
        '--corpus',
        'tess',
        '--data',
        root,
        '--recipe',
        recipe,
        '--out',
        path.join(work, 'x'),
        '--features',
        'no-such-set',
      ],
    ],
    [
      'train',
      [
        'train',
        '--model',
        'seed004-svm',
        '--features',
        'no-such-set',
        '--corpus',
        'tess',
        '--root',
        root,
        '--out',
        path.join(work, 'y'),
      ],
    ],
  ];
  for (const [what, argv] of runs) assertOneLineError(await ser(argv), '"no-such-set"', valid, what);
  await assert.rejects(
    loadFeatureTable(['tess'], root, 'no-such-set', { progress: false }),
    /valid: seed000/,
  );
});

/** Every split name and older alias, with the name it stands for. */
function splitSpellings(): [string, string][] {
  return SPLIT_NAMES.flatMap((n) => [
    [n, n] as [string, string],
    ...SPLIT_PROTOCOLS[n].aliases.map((a) => [a, n] as [string, string]),
  ]);
}

test('every split name and older alias is accepted by ser train, ser split, ser augment and ser tune', async () => {
  const { root, recipe, work } = fixture();
  const corpora = ['--corpus', 'tess,ravdess'];
  for (const [spelling, name] of splitSpellings()) {
    const train = await ser([
      'train',
      '--model',
      'seed004-svm',
      ...corpora,
      '--root',
      root,
      '--split',
      spelling,
      '--fold',
      '1',
      '--out',
      path.join(work, `split-${spelling}`),
      '--json',
    ]);
    assert.equal(train.code, 0, `train --split ${spelling}: ${train.stderr}`);
    const summary = JSON.parse(train.stdout) as { protocol: string; fold: string };
    assert.equal(summary.protocol, name, `train --split ${spelling}`);

    const split = await ser([
      'split',
      '--protocol',
      spelling,
      ...corpora,
      '--root',
      root,
      '--train',
      'tess',
      '--test',
      'ravdess',
      '--dir',
      work,
      '--json',
    ]);
    assert.equal(split.code, 0, `split --protocol ${spelling}: ${split.stderr}`);
    const saved = JSON.parse(split.stdout) as { protocol: string; folds: { name: string }[] };
    assert.equal(saved.protocol, name);
    // The fold `ser train --fold 1` trained is the first fold `ser split` lists.
    assert.equal(saved.folds[0].name, summary.fold, `split --protocol ${spelling}`);

    const augment = await ser([
      'augment',
      ...corpora,
      '--data',
      root,
      '--recipe',
      recipe,
      '--out',
      path.join(work, `augment-split-${spelling}`),
      '--protocol',
      spelling,
      '--fold',
      '1',
      '--limit',
      '1',
    ]);
    assert.equal(augment.code, 0, `augment --protocol ${spelling}: ${augment.stderr}`);
    assert.ok(augment.stdout.includes(`of ${name} ${summary.fold} `), augment.stdout);

    const tune = await ser([
      'tune',
      '--model',
      'seed004-svm',
      ...corpora,
      '--root',
      root,
      '--split',
      spelling,
      '--trials',
      '1',
      '--storage',
      'memory',
      '--study',
      `contract-${spelling}`,
      '--out',
      path.join(work, `tune-${spelling}.json`),
      '--model-out',
      path.join(work, `tune-model-${spelling}`),
    ]);
    if (SPLIT_PROTOCOLS[name as keyof typeof SPLIT_PROTOCOLS].speakerIndependent) {
      assert.equal(tune.code, 0, `tune --split ${spelling}: ${tune.stderr}`);
      assert.match(tune.stdout, /best: trial 0 value=/);
    }
    // Tuning validates on held-out speakers, so it refuses a protocol that has none, in one line.
    else assertOneLineError(tune, 'not speaker-independent', [], `tune --split ${spelling}`);
  }
});

test('an unknown split name is one line listing the valid names, exit 1, in every command that takes one', async () => {
  const { root, recipe, work } = fixture();
  const argv: [string, string[]][] = [
    [
      'train',
      [
        'train',
        '--model',
        'seed004-svm',
        '--corpus',
        'tess',
        '--root',
        root,
        '--split',
        'bogus',
        '--out',
        path.join(work, 'z'),
      ],
    ],
    ['split', ['split', '--protocol', 'bogus', '--corpus', 'tess', '--root', root, '--dir', work]],
    [
      'augment',
      [
        'augment',
        '--corpus',
        'tess',
        '--data',
        root,
        '--recipe',
        recipe,
        '--out',
        path.join(work, 'w'),
        '--protocol',
        'bogus',
      ],
    ],
    [
      'tune',
      [
        'tune',
        '--model',
        'seed004-svm',
        '--corpus',
        'tess',
        '--root',
        root,
        '--split',
        'bogus',
        '--storage',
        'memory',
      ],
    ],
  ];
  for (const [what, args] of argv) assertOneLineError(await ser(args), '"bogus"', SPLIT_NAMES, what);
});

test('--fold counts from 1 as folds are printed, and a fold out of range is one line listing the valid folds', async () => {
  const { root, recipe, work } = fixture();
  const base = ['--corpus', 'tess', '--root', root, '--split', 'speaker'];
  const second = await ser([
    'train',
    '--model',
    'seed004-svm',
    ...base,
    '--fold',
    '2',
    '--out',
    path.join(work, 'f2'),
    '--json',
  ]);
  assert.equal(second.code, 0, second.stderr);
  assert.equal((JSON.parse(second.stdout) as { fold: string }).fold, 'fold 2/2');
  const valid = ['1 (fold 1/2)', '2 (fold 2/2)'];
  for (const fold of ['7', '0']) {
    assertOneLineError(
      await ser(['train', '--model', 'seed004-svm', ...base, '--fold', fold, '--out', path.join(work, 'f7')]),
      `no fold ${fold}`,
      valid,
      `train --fold ${fold}`,
    );
    assertOneLineError(
      await ser([
        'augment',
        '--corpus',
        'tess',
        '--data',
        root,
        '--recipe',
        recipe,
        '--out',
        path.join(work, 'a7'),
        '--fold',
        fold,
      ]),
      `no fold ${fold}`,
      valid,
      `augment --fold ${fold}`,
    );
    assertOneLineError(
      await ser([
        'tune',
        '--model',
        'seed004-svm',
        ...base,
        '--fold',
        fold,
        '--trials',
        '1',
        '--storage',
        'memory',
      ]),
      `no fold ${fold}`,
      valid,
      `tune --fold ${fold}`,
    );
  }
});

/**
 * The small TESS subset's 8 clips laid out as `corpus` names them: 2 speakers × angry, sad × 2 clips (the audio
 * is TESS's whatever the layout; the loaders read labels from names).
 */
function layout(corpus: string, root: string): void {
  const clips = (s: number, e: number) => tessClips(['OAF', 'YAF'][s], EMOTIONS[e], 2);
  const name: Record<string, (s: number, e: number, i: number) => string> = {
    tess: (s, e, i) =>
      path.join(`${['OAF', 'YAF'][s]}_${EMOTIONS[e]}`, `${['OAF', 'YAF'][s]}_w${i}_${EMOTIONS[e]}.wav`),
    synthetic: (s, e, i) => path.join(`S${s}_${EMOTIONS[e]}`, `S${s}_w${i}_${EMOTIONS[e]}.wav`),
    ravdess: (s, e, i) =>
      path.join(`Actor_0${s + 1}`, `03-01-${['05', '04'][e]}-01-0${i + 1}-01-0${s + 1}.wav`),
    cremad: (s, e, i) =>
      path.join('AudioWAV', `100${s + 1}_${['DFA', 'IEO'][i]}_${['ANG', 'SAD'][e]}_XX.wav`),
    savee: (s, e, i) => path.join(['DC', 'JE'][s], `${['a', 'sa'][e]}0${i + 1}.wav`),
    emodb: (s, e, i) => path.join('wav', `${['03', '08'][s]}a0${i + 1}${['W', 'T'][e]}a.wav`),
    folder: (s, e, i) => path.join(EMOTIONS[e], `speaker${s}`, `clip${i}.wav`),
  };
  const of = name[corpus];
  assert.ok(of, `no layout for corpus "${corpus}" in this test: add one`);
  for (const s of [0, 1])
    for (const e of [0, 1])
      clips(s, e).forEach((file, i) => {
        const to = path.join(root, corpus, of(s, e, i));
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.symlinkSync(file, to);
      });
}

test('ser evaluate --corpus accepts every corpus the loaders know, and an unknown one is one line listing them', async () => {
  const { work } = fixture();
  for (const corpus of corpusNames()) {
    const root = tempDir(`ser-contract-${corpus}-`);
    layout(corpus, root);
    const model = path.join(work, `corpus-${corpus}`);
    const common = ['--corpus', corpus, '--root', root];
    const train = await ser([
      'train',
      '--model',
      'seed004-svm',
      ...common,
      '--split',
      'loso',
      '--fold',
      '1',
      '--out',
      model,
      '--json',
    ]);
    assert.equal(train.code, 0, `train --corpus ${corpus}: ${train.stderr}`);
    const evaluation = await ser(['evaluate', '--model-dir', model, ...common, '--json']);
    assert.equal(evaluation.code, 0, `evaluate --corpus ${corpus}: ${evaluation.stderr}`);
    const e = JSON.parse(evaluation.stdout) as { n: number; labels: string[]; accuracy: number };
    assert.equal(e.n, 4, corpus);
    assert.deepEqual(e.labels, [...EMOTIONS], corpus);
    assert.equal(e.accuracy, (JSON.parse(train.stdout) as { accuracy: number }).accuracy, corpus);
  }
  const r = await ser([
    'evaluate',
    '--model-dir',
    path.join(work, 'corpus-tess'),
    '--corpus',
    'iemocap',
    '--root',
    work,
  ]);
  assertOneLineError(r, '"iemocap"', corpusNames(), 'evaluate --corpus iemocap');
});
