/**
 * Train/test splits. Every speaker-independent split asserts that no speaker is on both sides: a
 * speaker-independent evaluation is the default of this toolkit because random splits of SER corpora put the
 * same voice (and in TESS the same words) in training and test, which inflates accuracy.
 *
 * Two layers: {@link applySpeakerSplit} splits loader records by a speaker spec (the training slice uses it);
 * the manifest splits below (stratified random, grouped k-fold, leave-one-speaker-out, cross-corpus) work on
 * manifest rows, so they also assert that no audio (content hash) is on both sides, and can be saved.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { UserError } from '../util/errors';
import { projectRoot } from '../util/paths';
import { Rng } from '../util/rng';
import { manifestHash, type ManifestRow } from './manifest';
import type { ClipRecord } from './types';

/** @deprecated a speaker split's protocol is {@link SplitName} `speaker`. */
export type SplitProtocol = 'speaker';

export interface SpeakerSplitSpec {
  /** `speaker` (specs saved before the names were unified say `speaker-independent`). */
  protocol: SplitName;
  corpus: string;
  trainSpeakers: string[];
  testSpeakers: string[];
}

export interface SplitResult<T extends ClipRecord = ClipRecord> {
  spec: SpeakerSplitSpec;
  train: T[];
  test: T[];
}

/**
 * Default held-out speakers per corpus: TESS trains on OAF and tests on YAF (the published
 * speaker-independent protocol); otherwise the last speaker in sorted order is held out.
 */
export function defaultSpeakerSplit(records: ClipRecord[]): SpeakerSplitSpec {
  const speakers = [...new Set(records.map((r) => r.speaker))].sort();
  if (speakers.length < 2) throw new Error('a speaker-independent split needs at least two speakers');
  const corpus = records[0].corpus;
  const test = corpus === 'tess' && speakers.includes('YAF') ? ['YAF'] : [speakers[speakers.length - 1]];
  return { protocol: 'speaker', corpus, trainSpeakers: speakers.filter((s) => !test.includes(s)), testSpeakers: test };
}

/** Apply a speaker split; throws if a speaker is on both sides or a side is empty. */
export function applySpeakerSplit<T extends ClipRecord>(records: T[], spec: SpeakerSplitSpec): SplitResult<T> {
  const overlap = spec.trainSpeakers.filter((s) => spec.testSpeakers.includes(s));
  if (overlap.length > 0) throw new Error(`speaker(s) ${overlap.join(', ')} on both sides of the split`);
  const train = records.filter((r) => spec.trainSpeakers.includes(r.speaker));
  const test = records.filter((r) => spec.testSpeakers.includes(r.speaker));
  if (train.length === 0 || test.length === 0) {
    throw new Error(`split ${spec.trainSpeakers.join('+')} → ${spec.testSpeakers.join('+')} leaves a side empty`);
  }
  return { spec, train, test };
}

/** A one-line description of a split for tables and figure titles. */
export function describeSplit(spec: SpeakerSplitSpec): string {
  return `speaker-independent (${spec.corpus}: train ${spec.trainSpeakers.join('+')} → test ${spec.testSpeakers.join('+')})`;
}

// ---------------------------------------------------------------------------------------------------------
// Splits of a manifest: stratified random, grouped k-fold by speaker, leave-one-speaker-out, cross-corpus.
// Folds list row ids, so a split saved to disk is reproducible on any machine holding the same manifest.
// ---------------------------------------------------------------------------------------------------------

/** What a split needs from a manifest row. */
export type SplitRow = Pick<ManifestRow, 'id' | 'corpus' | 'speaker' | 'emotion' | 'contentHash'>;
/** What a split needs from a manifest: its rows and its hash (recorded in the split). */
export interface SplitSource<R extends SplitRow = SplitRow> {
  hash: string;
  rows: readonly R[];
}

/**
 * A split protocol's name, the one vocabulary of every command and function: `random` (stratified by emotion,
 * speakers shared), `speaker` (k folds grouped by speaker), `loso` (leave one speaker out), `cross` (corpus).
 */
export type SplitName = 'random' | 'speaker' | 'loso' | 'cross';
/** @deprecated use {@link SplitName}: a split's protocol is its name. */
export type FoldProtocol = SplitName;

export interface Fold {
  /** e.g. `fold 1/5`, `test ravdess/03`, `tess → ravdess`. */
  name: string;
  /** Row ids, in manifest order. */
  train: string[];
  test: string[];
  /** Ids dropped from train because the same audio (content hash) is in test, under another speaker. */
  purged: string[];
}

export interface Split {
  version: 1;
  /** The protocol's name (files saved before the names were unified say e.g. `grouped-kfold`; loadSplit reads them). */
  protocol: SplitName;
  /** Whether no speaker is on both sides of any fold (false only for `random`). */
  speakerIndependent: boolean;
  /** The seed used to shuffle; null where the protocol is deterministic. */
  seed: number | null;
  /** Parameters of the protocol (k, test fraction, corpora). */
  params: Record<string, string | number | boolean | string[]>;
  manifestHash: string;
  folds: Fold[];
}

/** The speaker as splits see it: unique across corpora. */
export const speakerKey = (r: Pick<SplitRow, 'corpus' | 'speaker'>): string => `${r.corpus}/${r.speaker}`;

function requireKnownSpeakers(rows: readonly SplitRow[], protocol: string): void {
  const unknown = rows.find((r) => r.speaker === 'unknown');
  if (unknown) {
    throw new UserError(`${protocol} needs speakers, but ${unknown.id} has none (give the folder loader a speaker folder or pattern)`);
  }
}

/**
 * Check a fold: both sides non-empty, no content hash on both sides and, when `speakerIndependent`, no
 * speaker on both sides. Throws an Error naming the first offender.
 */
export function assertDisjointFold(fold: Fold, rowsById: ReadonlyMap<string, SplitRow>, speakerIndependent: boolean): void {
  if (fold.train.length === 0 || fold.test.length === 0) throw new Error(`split ${fold.name} leaves a side empty`);
  const side = (ids: string[]) =>
    ids.map((id) => {
      const r = rowsById.get(id);
      if (!r) throw new Error(`split ${fold.name} names ${id}, which is not in the manifest`);
      return r;
    });
  const train = side(fold.train);
  const test = side(fold.test);
  const testHashes = new Map(test.map((r) => [r.contentHash, r.id]));
  for (const r of train) {
    const other = testHashes.get(r.contentHash);
    if (other !== undefined) throw new Error(`split ${fold.name}: the same audio is in train (${r.id}) and test (${other})`);
  }
  if (speakerIndependent) {
    const testSpeakers = new Set(test.map(speakerKey));
    const shared = train.find((r) => testSpeakers.has(speakerKey(r)));
    if (shared) throw new Error(`split ${fold.name}: speaker ${speakerKey(shared)} is on both sides`);
  }
}

/** Turn test-side row sets into folds (train = the rest, minus purged duplicates), check them, wrap them. */
function makeSplit(
  source: SplitSource,
  protocol: SplitName,
  speakerIndependent: boolean,
  seed: number | null,
  params: Split['params'],
  tests: { name: string; test: Set<string>; pool?: Set<string> }[],
): Split {
  const byId = new Map(source.rows.map((r) => [r.id, r]));
  const folds = tests.map(({ name, test, pool }) => {
    const testHashes = new Set(source.rows.filter((r) => test.has(r.id)).map((r) => r.contentHash));
    const candidates = source.rows.filter((r) => !test.has(r.id) && (pool === undefined || pool.has(r.id)));
    const fold: Fold = {
      name,
      train: candidates.filter((r) => !testHashes.has(r.contentHash)).map((r) => r.id),
      test: source.rows.filter((r) => test.has(r.id)).map((r) => r.id),
      purged: candidates.filter((r) => testHashes.has(r.contentHash)).map((r) => r.id),
    };
    assertDisjointFold(fold, byId, speakerIndependent);
    return fold;
  });
  return { version: 1, protocol, speakerIndependent, seed, params, manifestHash: source.hash, folds };
}

/** Rows grouped by a key, groups in first-seen order. */
function groupBy<R>(rows: readonly R[], key: (r: R) => string): Map<string, R[]> {
  const m = new Map<string, R[]>();
  for (const r of rows) {
    const g = m.get(key(r));
    if (g) g.push(r);
    else m.set(key(r), [r]);
  }
  return m;
}

export interface StratifiedRandomOptions {
  /** Share of each emotion's rows in test. Default 0.2. */
  testFraction?: number;
  /** Default 0. */
  seed?: number;
}

/**
 * One random train/test split, stratified by emotion: each emotion puts round(testFraction × its rows) in
 * test. Rows with the same audio move together, so no content hash is on both sides. NOT speaker-independent:
 * the same voices (and, in TESS, words) are on both sides, which inflates accuracy; use it only as the
 * optimistic reference it is.
 */
export function stratifiedRandomSplit(source: SplitSource, options: StratifiedRandomOptions = {}): Split {
  const testFraction = options.testFraction ?? 0.2;
  const seed = options.seed ?? 0;
  if (!(testFraction > 0 && testFraction < 1)) throw new UserError(`test fraction must be in (0, 1), got ${testFraction}`);
  const rng = new Rng(seed);
  const test = new Set<string>();
  const audioGroups = [...groupBy(source.rows, (r) => r.contentHash).values()];
  for (const [, groups] of groupBy(audioGroups, (g) => g[0].emotion)) {
    const target = Math.round(testFraction * groups.reduce((n, g) => n + g.length, 0));
    let n = 0;
    for (const g of rng.shuffle([...groups])) {
      if (n >= target) break;
      for (const r of g) test.add(r.id);
      n += g.length;
    }
  }
  return makeSplit(source, 'random', false, seed, { testFraction }, [{ name: 'random', test }]);
}

export interface GroupedKFoldOptions {
  /** Number of folds. Default 5. */
  k?: number;
  /**
   * Shuffle speakers before assigning them (ties in the greedy assignment then fall differently). Default
   * null: no shuffle, the same folds as scikit-learn's `StratifiedGroupKFold(shuffle=False)`.
   */
  seed?: number | null;
}

/**
 * numpy's float64 sum of a contiguous array (pairwise, with 8 accumulators from 8 elements on): the greedy
 * fold assignment compares float results, so summing in numpy's order keeps its choices identical to
 * scikit-learn's even where two folds are mathematically tied.
 */
function numpySum(a: readonly number[]): number {
  const n = a.length;
  if (n < 8) {
    let s = 0;
    for (const x of a) s += x;
    return s;
  }
  if (n <= 128) {
    const r = a.slice(0, 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[i + j];
    let s = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) s += a[i];
    return s;
  }
  const half = Math.floor(n / 2) - (Math.floor(n / 2) % 8);
  return numpySum(a.slice(0, half)) + numpySum(a.slice(half));
}

/** Sum in order (numpy's reduction along a non-contiguous axis). */
function sequentialSum(a: readonly number[]): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
}

/** numpy.std (population) with the given summation order. */
function std(xs: readonly number[], sum: (a: readonly number[]) => number): number {
  const mean = sum(xs) / xs.length;
  return Math.sqrt(sum(xs.map((x) => (x - mean) * (x - mean))) / xs.length);
}

/**
 * Speaker-independent k-fold: each speaker's rows are in exactly one test fold, and speakers are assigned so
 * that every fold's emotion distribution stays as close to the whole as the speakers allow (scikit-learn's
 * StratifiedGroupKFold greedy: speakers by decreasing spread of their emotion counts, each to the fold that
 * minimises the mean over emotions of the std across folds of the fold's share of that emotion; ties to the
 * smaller fold). Throws a UserError with fewer speakers than folds.
 */
export function groupedKFoldSplit(source: SplitSource, options: GroupedKFoldOptions = {}): Split {
  const k = options.k ?? 5;
  const seed = options.seed ?? null;
  requireKnownSpeakers(source.rows, 'grouped k-fold');
  if (!(Number.isInteger(k) && k >= 2)) throw new UserError(`k must be an integer >= 2, got ${k}`);
  const classes = [...new Set(source.rows.map((r) => r.emotion))].sort();
  const classTotals = classes.map((c) => source.rows.filter((r) => r.emotion === c).length);
  const speakers = [...groupBy(source.rows, speakerKey).entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  if (speakers.length < k) throw new UserError(`grouped ${k}-fold needs at least ${k} speakers, the manifest has ${speakers.length}`);
  let groups = speakers.map(([name, rows]) => ({ name, rows, counts: classes.map((c) => rows.filter((r) => r.emotion === c).length) }));
  if (seed !== null) groups = new Rng(seed).shuffle(groups);
  const order = groups.map((g, i) => ({ g, i, spread: std(g.counts, numpySum) })).sort((a, b) => b.spread - a.spread || a.i - b.i);
  const foldCounts = Array.from({ length: k }, () => classes.map(() => 0));
  const foldGroups: string[][] = Array.from({ length: k }, () => []);
  for (const { g } of order) {
    let best = -1;
    let bestEval = Infinity;
    let bestSize = Infinity;
    for (let f = 0; f < k; f++) {
      const evalPerClass = classes.map((_, c) =>
        std(
          foldCounts.map((fc, ff) => (fc[c] + (ff === f ? g.counts[c] : 0)) / classTotals[c]),
          sequentialSum,
        ),
      );
      const fEval = numpySum(evalPerClass) / classes.length;
      const size = foldCounts[f].reduce((a, b) => a + b, 0);
      // numpy.isclose(fEval, bestEval) with its default tolerances, as scikit-learn compares.
      const close = Math.abs(fEval - bestEval) <= 1e-8 + 1e-5 * Math.abs(bestEval);
      if (fEval < bestEval || (close && size < bestSize)) [best, bestEval, bestSize] = [f, fEval, size];
    }
    g.counts.forEach((n, c) => (foldCounts[best][c] += n));
    foldGroups[best].push(g.name);
  }
  const tests = foldGroups.map((names, f) => ({
    name: `fold ${f + 1}/${k}`,
    test: new Set(source.rows.filter((r) => names.includes(speakerKey(r))).map((r) => r.id)),
  }));
  return makeSplit(source, 'speaker', true, seed, { k }, tests);
}

/** One fold per speaker: that speaker's rows are the test side, every other speaker's rows the train side. */
export function leaveOneSpeakerOutSplit(source: SplitSource): Split {
  requireKnownSpeakers(source.rows, 'leave-one-speaker-out');
  const speakers = [...groupBy(source.rows, speakerKey).entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  if (speakers.length < 2) throw new UserError(`leave-one-speaker-out needs at least 2 speakers, the manifest has ${speakers.length}`);
  const tests = speakers.map(([name, rows]) => ({ name: `test ${name}`, test: new Set(rows.map((r) => r.id)) }));
  return makeSplit(source, 'loso', true, null, {}, tests);
}

export interface CrossCorpusOptions {
  /** Corpora to train on. */
  train: string[];
  /** The corpus to test on. */
  test: string;
  /** Keep only emotions present on both sides (e.g. drop RAVDESS calm when training on TESS). Default true. */
  sharedEmotionsOnly?: boolean;
}

/** Train on some corpora, test on another (speaker-independent by construction). */
export function crossCorpusSplit(source: SplitSource, options: CrossCorpusOptions): Split {
  const shared = options.sharedEmotionsOnly ?? true;
  if (options.train.includes(options.test)) throw new UserError(`cross-corpus: ${options.test} is on both sides`);
  const present = new Set(source.rows.map((r) => r.corpus));
  for (const c of [...options.train, options.test]) {
    if (!present.has(c)) throw new UserError(`cross-corpus: corpus ${c} is not in the manifest (has ${[...present].join(', ')})`);
  }
  const trainRows = source.rows.filter((r) => options.train.includes(r.corpus));
  const testRows = source.rows.filter((r) => r.corpus === options.test);
  const trainEmotions = new Set(trainRows.map((r) => r.emotion));
  const testEmotions = new Set(testRows.map((r) => r.emotion));
  const keep = (r: SplitRow) => !shared || (trainEmotions.has(r.emotion) && testEmotions.has(r.emotion));
  const test = new Set(testRows.filter(keep).map((r) => r.id));
  const pool = new Set(trainRows.filter(keep).map((r) => r.id));
  const params = { train: [...options.train], test: options.test, sharedEmotionsOnly: shared };
  return makeSplit(source, 'cross', true, null, params, [{ name: `${options.train.join('+')} → ${options.test}`, test, pool }]);
}

// ---------------------------------------------------------------------------------------------------------
// The protocol registry: every command and function that takes a split name resolves it here.
// ---------------------------------------------------------------------------------------------------------

/** Parameters a protocol may use (each ignores the others). */
export interface ProtocolOptions {
  /** `speaker`: folds; default 5, or the speaker count when smaller. */
  k?: number;
  /** `random`: shuffle seed. Default 0. */
  seed?: number;
  /** `speaker`: shuffle speakers with this seed before assigning them. Default null (no shuffle). */
  speakerSeed?: number | null;
  /** `random`: share of each emotion in test. Default 0.2. */
  testFraction?: number;
  /** `cross`: the corpora to train on and the one to test on; default every corpus of `corpora` but the last, then the last. */
  train?: string[];
  test?: string;
  /** `cross`: the corpora in the order the user gave them. */
  corpora?: string[];
  /** `cross`: keep only emotions on both sides. Default true. */
  sharedEmotionsOnly?: boolean;
}

/** One split protocol of the registry. */
export interface SplitProtocolEntry {
  name: SplitName;
  /** Older names, still accepted. */
  aliases: readonly string[];
  /** What it does, for help texts. */
  summary: string;
  speakerIndependent: boolean;
  make(source: SplitSource, options: ProtocolOptions): Split;
}

function crossOptions(options: ProtocolOptions): CrossCorpusOptions {
  const corpora = options.corpora ?? [];
  const train = options.train ?? corpora.slice(0, -1);
  const test = options.test ?? corpora[corpora.length - 1];
  if (train.length === 0 || test === undefined)
    throw new UserError('split cross needs two or more corpora: --corpus TRAIN[,TRAIN…],TEST');
  return { train, test, sharedEmotionsOnly: options.sharedEmotionsOnly };
}

/** The split protocols by name. */
export const SPLIT_PROTOCOLS: Readonly<Record<SplitName, SplitProtocolEntry>> = Object.freeze({
  random: {
    name: 'random',
    aliases: ['stratified-random'],
    summary: 'random (stratified by emotion, 80/20; speakers on both sides, NOT speaker-independent)',
    speakerIndependent: false,
    make: (source: SplitSource, o: ProtocolOptions) =>
      stratifiedRandomSplit(source, { seed: o.seed ?? 0, testFraction: o.testFraction ?? 0.2 }),
  },
  speaker: {
    name: 'speaker',
    aliases: ['grouped-kfold', 'kfold', 'speaker-independent'],
    summary: 'speaker (k folds grouped by speaker, k ≤ number of speakers; default k = min(5, speakers))',
    speakerIndependent: true,
    make: (source: SplitSource, o: ProtocolOptions) =>
      groupedKFoldSplit(source, {
        k: o.k ?? Math.min(5, new Set(source.rows.map(speakerKey)).size),
        seed: o.speakerSeed ?? null,
      }),
  },
  loso: {
    name: 'loso',
    aliases: ['leave-one-speaker-out'],
    summary: 'loso (leave one speaker out: one fold per speaker)',
    speakerIndependent: true,
    make: (source: SplitSource) => leaveOneSpeakerOutSplit(source),
  },
  cross: {
    name: 'cross',
    aliases: ['cross-corpus'],
    summary: 'cross (train on every corpus but the last, test on the last, on the emotions both sides have)',
    speakerIndependent: true,
    make: (source: SplitSource, o: ProtocolOptions) => crossCorpusSplit(source, crossOptions(o)),
  },
});

/** The protocols' names, in registry order. */
export const SPLIT_NAMES: readonly SplitName[] = Object.freeze(Object.keys(SPLIT_PROTOCOLS) as SplitName[]);

/** The protocol a name or older alias means; an unknown name is a one-line UserError listing the valid ones. */
export function splitName(name: string): SplitName {
  for (const entry of Object.values(SPLIT_PROTOCOLS))
    if (entry.name === name || entry.aliases.includes(name)) return entry.name;
  throw new UserError(`unknown split "${name}" (valid: ${SPLIT_NAMES.join(', ')})`);
}

/** One line per protocol, for help texts. */
export function splitProtocolsHelp(): string {
  return SPLIT_NAMES.map((n) => SPLIT_PROTOCOLS[n].summary).join('; ');
}

/** The split of `source` by protocol `name` (a name or an older alias). */
export function makeProtocolSplit(source: SplitSource, name: string, options: ProtocolOptions = {}): Split {
  return SPLIT_PROTOCOLS[splitName(name)].make(source, options);
}

/**
 * The index of fold `fold` of `split`, folds counted from 1 as their names show them (`--fold 1` is `fold 1/2`).
 * Out of range is a one-line UserError listing the valid folds.
 */
export function foldIndex(split: Split, fold: number): number {
  if (Number.isInteger(fold) && fold >= 1 && fold <= split.folds.length) return fold - 1;
  const valid = split.folds.map((f, i) => `${i + 1} (${f.name})`);
  const shown = valid.length > 8 ? [...valid.slice(0, 7), '…', valid[valid.length - 1]] : valid;
  throw new UserError(
    `there is no fold ${fold} in the ${split.protocol} split: folds count from 1, valid: ${shown.join(', ')}`,
  );
}

/** Where splits are saved unless the caller chooses: `<project>/.cache/splits`. */
export function defaultSplitDir(): string {
  return path.join(projectRoot(), '.cache', 'splits');
}

/** A file name that says what the split is: protocol, parameters, seed and manifest. */
export function splitFileName(split: Split): string {
  const params = createHash('sha256').update(JSON.stringify(split.params)).digest('hex').slice(0, 8);
  return `${split.protocol}-${params}-seed${split.seed ?? 'none'}-manifest${split.manifestHash.slice(0, 12)}.json`;
}

/** Save a split as JSON (atomically) in `dir` (default {@link defaultSplitDir}); returns the file. */
export function saveSplit(split: Split, dir = defaultSplitDir()): string {
  const file = path.join(dir, splitFileName(split));
  writeFileAtomic(file, JSON.stringify(split, null, 1) + '\n');
  return file;
}

/**
 * Read a saved split and check it against the manifest it will be applied to: same manifest hash, every id
 * present, and every fold still disjoint. Mismatches are UserErrors naming the file.
 */
export function loadSplit(file: string, source: SplitSource): Split {
  let split: Split;
  try {
    split = JSON.parse(fs.readFileSync(file, 'utf8')) as Split;
  } catch (err) {
    throw new UserError(`cannot read split: ${(err as Error).message.split('\n')[0]}`, file);
  }
  if (split.version !== 1 || !Array.isArray(split.folds)) throw new UserError('not a ser split file (version 1)', file);
  split.protocol = splitName(split.protocol);
  if (split.manifestHash !== source.hash) {
    throw new UserError(`split was made for manifest ${split.manifestHash.slice(0, 12)}, not this one (${source.hash.slice(0, 12)})`, file);
  }
  const byId = new Map(source.rows.map((r) => [r.id, r]));
  for (const fold of split.folds) assertDisjointFold(fold, byId, split.speakerIndependent);
  return split;
}

/** The rows of one fold, in manifest order. */
export function foldRows<R extends SplitRow>(source: SplitSource<R>, fold: Fold): { train: R[]; test: R[] } {
  const train = new Set(fold.train);
  const test = new Set(fold.test);
  return { train: source.rows.filter((r) => train.has(r.id)), test: source.rows.filter((r) => test.has(r.id)) };
}

/** Test, validation and training clips with no speaker shared between test and the rest (see {@link trainValidationTestSplit}). */
export interface TrainValidationTest<R extends ManifestRow = ManifestRow> {
  /** Grouped k-fold by speaker over every row: fold 0's test side is the test set. */
  outer: Split;
  /** The outer fold's training rows, split again: fold 0's test side is the validation set. */
  inner: Split;
  /** The rows (and hash) the inner split was made of. */
  innerSource: SplitSource<R>;
  train: R[];
  validation: R[];
  test: R[];
}

/**
 * Three-way split for tuning and augmentation: test speakers from fold 0 of a grouped k-fold (`k`, default 5,
 * at most the speaker count), then validation speakers from fold 0 of a grouped (k − 1)-fold of the remaining
 * speakers. With a single remaining speaker (TESS, the synthetic sample) validation falls back to a seeded
 * stratified 20 % of that speaker's clips, and `inner.speakerIndependent` is false: say so where it is shown.
 */
export function trainValidationTestSplit<R extends ManifestRow>(
  source: SplitSource<R>,
  options: { k?: number; seed?: number } = {},
): TrainValidationTest<R> {
  const speakers = new Set(source.rows.map(speakerKey)).size;
  const outer = groupedKFoldSplit(source, { k: Math.min(options.k ?? 5, speakers) });
  const sides = foldRows(source, outer.folds[0]);
  const innerSource: SplitSource<R> = { hash: manifestHash(sides.train), rows: sides.train };
  const left = new Set(sides.train.map(speakerKey)).size;
  const inner =
    left >= 2
      ? groupedKFoldSplit(innerSource, { k: Math.max(2, Math.min(outer.folds.length - 1, left)) })
      : stratifiedRandomSplit(innerSource, { seed: options.seed ?? 0, testFraction: 0.2 });
  const innerSides = foldRows(innerSource, inner.folds[0]);
  return { outer, inner, innerSource, train: innerSides.train, validation: innerSides.test, test: sides.test };
}
