/**
 * From corpora to model inputs: the manifest (rows with content hashes, so splits are checked for leaks),
 * a protocol's folds, cached features per clip, normalisation fitted without test labels, and fixed-length
 * sequences. Shared by `trainModel`, `ser train` and bench/accuracy.
 */
import { buildManifest, manifestHash, type ManifestRow } from '../data/manifest';
import {
  crossCorpusSplit,
  foldRows,
  groupedKFoldSplit,
  leaveOneSpeakerOutSplit,
  speakerKey,
  stratifiedRandomSplit,
  type Split,
} from '../data/split';
import { limitPerSpeakerEmotion } from '../data/subset';
import { extractFeatures, type ExtractorPool } from '../features/extract';
import { featureSet, setDims, type LibrosaSetConfig } from '../features/sets';
import {
  fitSequenceStandardizer,
  fitStandardizer,
  standardize,
  standardizeSequence,
  type StandardizerState,
} from '../features/standardize';
import { UserError } from '../util/errors';
import { fixFrames } from './frames';
import type { AugmentedRows } from './speaker-augmentation';

export { fixFrames };

/** The CLI's split names: `random` stratified 80/20, `speaker` grouped k-fold by speaker, `loso`, `cross` corpus. */
export type SplitName = 'random' | 'speaker' | 'loso' | 'cross';
export const SPLIT_NAMES: readonly SplitName[] = ['random', 'speaker', 'loso', 'cross'];

/**
 * How features are normalised. `global`: one z-score fitted on the training side only. `per-speaker`: every
 * speaker (test speakers included) z-scored with its own statistics over its own clips, no labels used; it
 * needs a batch of the test speaker's unlabelled clips, so it is a protocol of its own, reported separately.
 */
export type Normalisation = 'global' | 'per-speaker';

/** Manifest rows of `corpora` with their feature vectors (clips that failed to decode are dropped and listed). */
export interface FeatureTable {
  corpora: string[];
  features: LibrosaSetConfig;
  rows: ManifestRow[];
  vectors: Float32Array[];
  skipped: { path: string; reason: string }[];
}

export interface FeatureTableOptions {
  /** At most this many clips per (speaker, emotion), chosen with `seed` (quick runs, tests). Default: all. */
  limitPerClass?: number;
  /** Default 0. */
  seed?: number;
  /** Progress bars on stderr. Default true. */
  progress?: boolean;
  /** Extractor pool to reuse. */
  pool?: ExtractorPool;
}

/** Load the manifest of `corpora` under `root` and the features of every clip (through the feature cache). */
export async function loadFeatureTable(
  corpora: string[],
  root: string,
  features: string | LibrosaSetConfig,
  options: FeatureTableOptions = {},
): Promise<FeatureTable> {
  const set = typeof features === 'string' ? featureSet(features) : features;
  const manifest = await buildManifest({ corpora, root, progress: options.progress ?? true });
  let rows = manifest.rows;
  if (options.limitPerClass !== undefined) {
    // Speakers are unique per corpus only, so subset each corpus on its own.
    rows = corpora.flatMap((c) =>
      limitPerSpeakerEmotion(
        rows.filter((r) => r.corpus === c),
        options.limitPerClass!,
        options.seed ?? 0,
      ),
    );
  }
  const result = await extractFeatures(
    rows.map((r) => r.path),
    set,
    { progress: options.progress ?? true, label: `features ${set.name}`, pool: options.pool },
  );
  const kept: ManifestRow[] = [];
  const vectors: Float32Array[] = [];
  rows.forEach((r, i) => {
    const v = result.vectors[i];
    if (v) {
      kept.push(r);
      vectors.push(v);
    }
  });
  return { corpora, features: set, rows: kept, vectors, skipped: result.skipped };
}

export interface SplitOptions {
  /** Folds of the `speaker` split. Default 5, or the speaker count when smaller. */
  k?: number;
  /** Seed of the random split. Default 0. */
  seed?: number;
  /** Test share of the random split. Default 0.2. */
  testFraction?: number;
}

/**
 * The folds of a protocol over a table's rows. `cross` trains on every corpus but the last and tests on the
 * last, on the emotions both sides have (RAVDESS calm is dropped when testing on TESS, which has no calm).
 */
export function makeSplit(table: FeatureTable, name: SplitName, options: SplitOptions = {}): Split {
  const source = { hash: manifestHash(table.rows), rows: table.rows };
  switch (name) {
    case 'random':
      return stratifiedRandomSplit(source, {
        seed: options.seed ?? 0,
        testFraction: options.testFraction ?? 0.2,
      });
    case 'speaker': {
      const speakers = new Set(table.rows.map(speakerKey)).size;
      return groupedKFoldSplit(source, { k: Math.min(options.k ?? 5, speakers) });
    }
    case 'loso':
      return leaveOneSpeakerOutSplit(source);
    case 'cross':
      if (table.corpora.length < 2)
        throw new UserError('--split cross needs two or more corpora: --corpus TRAIN[,TRAIN…],TEST');
      return crossCorpusSplit(source, {
        train: table.corpora.slice(0, -1),
        test: table.corpora[table.corpora.length - 1],
      });
  }
}

/**
 * Which fold of a split to use: its index, or `'most-speakers'`, the fold whose test side holds the most
 * speakers (the first on ties). Grouped k-fold balances folds by clip count, so a corpus with few prolific
 * speakers (TESS: 1 400 clips each) gets one-speaker folds; the most-speakers fold gives per-speaker results
 * and a speaker-level bootstrap something to work with.
 */
export type FoldChoice = number | 'most-speakers';

/** The index of `choice` in `split` (rows: the table the split was made from). */
export function resolveFold(split: Split, rows: readonly ManifestRow[], choice: FoldChoice): number {
  if (typeof choice === 'number') return choice;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const speakers = split.folds.map(
    (f) => new Set(f.test.flatMap((id) => (byId.has(id) ? [speakerKey(byId.get(id)!)] : []))).size,
  );
  return speakers.indexOf(Math.max(...speakers));
}

/** A normaliser as stored in `ser.json`. */
export type StoredNormaliser =
  | { kind: 'global'; sequence: boolean; state: StandardizerState }
  | {
      kind: 'per-speaker';
      sequence: boolean;
      /**
       * A typical training speaker's statistics (mean of the training rows, average within-speaker standard
       * deviation): what a stream is normalised towards before it has enough speech of its own
       * (lib/infer/running-normaliser.ts). Absent in models saved before it was recorded.
       */
      prior?: StandardizerState;
    };

/** Model inputs of one fold. */
export interface FoldData {
  labels: string[];
  train: { rows: Float32Array[]; labels: number[]; records: ManifestRow[] };
  test: { rows: Float32Array[]; labels: number[]; records: ManifestRow[] };
  /** Per-example input shape: [frames, dims] for sequences, [dims] for statistics. */
  shape: number[];
  normaliser: StoredNormaliser;
  /** SHA-256 of the training side's manifest rows. */
  trainManifestHash: string;
}

function zscore(
  vectors: Float32Array[],
  sequence: boolean,
  dims: number,
): { state: StandardizerState; apply: (v: Float32Array) => Float32Array } {
  const state = sequence ? fitSequenceStandardizer(vectors, dims) : fitStandardizer(vectors);
  return { state, apply: (v) => (sequence ? standardizeSequence(state, v) : standardize(state, v)) };
}

/** Mean of all `vectors` and the average of each speaker's standard deviation (see StoredNormaliser). */
function typicalSpeaker(
  vectors: Float32Array[],
  records: ManifestRow[],
  sequence: boolean,
  dims: number,
): StandardizerState {
  const mean = zscore(vectors, sequence, dims).state.mean;
  const speakers = [...new Set(records.map(speakerKey))];
  const std = new Array<number>(mean.length).fill(0);
  for (const s of speakers) {
    const own = zscore(
      vectors.filter((_, i) => speakerKey(records[i]) === s),
      sequence,
      dims,
    ).state.std;
    own.forEach((v, d) => (std[d] += v / speakers.length));
  }
  return { mean, std };
}

/**
 * Inputs of fold `foldIndex` of `split`: labels (sorted emotions of the training side), normalised rows, and
 * sequences fixed to `frames` frames (null: the set must give fixed-length vectors, as stats sets do).
 */
export function foldData(
  table: FeatureTable,
  split: Split,
  foldIndex: number,
  options: {
    normalisation?: Normalisation;
    frames?: number | null;
    /** Extra training rows (speaker-augmented copies), normalised like the rest: by their own pseudo-speaker. */
    augmented?: AugmentedRows;
  } = {},
): FoldData {
  const fold = split.folds[foldIndex];
  if (!fold) throw new UserError(`fold ${foldIndex} does not exist (the split has ${split.folds.length})`);
  const index = new Map(table.rows.map((r, i) => [r.id, i]));
  const source = { hash: '', rows: table.rows };
  const sides = foldRows(source, fold);
  const labels = [...new Set(sides.train.map((r) => r.emotion))].sort();
  const testRecords = sides.test.filter((r) => labels.includes(r.emotion));
  const sequence = table.features.output === 'sequence';
  const dims = setDims(table.features);
  const extra = options.augmented ?? { records: [], vectors: [] };
  const extraIndex = new Map(extra.records.map((r, i) => [r.id, i]));
  const vectorOf = (r: ManifestRow) =>
    index.has(r.id) ? table.vectors[index.get(r.id)!] : extra.vectors[extraIndex.get(r.id)!];
  const trainRecords = [...sides.train, ...extra.records];
  const raw = (records: ManifestRow[]) => records.map(vectorOf);
  const normalisation = options.normalisation ?? 'global';
  let normaliser: StoredNormaliser;
  let trainRows: Float32Array[];
  let testRows: Float32Array[];
  if (normalisation === 'global') {
    const z = zscore(raw(trainRecords), sequence, dims);
    normaliser = { kind: 'global', sequence, state: z.state };
    trainRows = raw(trainRecords).map(z.apply);
    testRows = raw(testRecords).map(z.apply);
  } else {
    // Each speaker's statistics from all of that speaker's clips in the table (no labels involved); an
    // augmented pseudo-speaker's from all of its copies.
    const bySpeaker = new Map<string, (v: Float32Array) => Float32Array>();
    const perSpeaker = (r: ManifestRow) => {
      const key = speakerKey(r);
      let f = bySpeaker.get(key);
      if (!f) {
        const pool = index.has(r.id) ? table.rows : extra.records;
        f = zscore(raw(pool.filter((x) => speakerKey(x) === key)), sequence, dims).apply;
        bySpeaker.set(key, f);
      }
      return f(vectorOf(r));
    };
    normaliser = {
      kind: 'per-speaker',
      sequence,
      prior: typicalSpeaker(raw(sides.train), sides.train, sequence, dims),
    };
    trainRows = trainRecords.map(perSpeaker);
    testRows = testRecords.map(perSpeaker);
  }
  const frames = options.frames ?? null;
  let shape: number[];
  if (sequence) {
    if (frames === null) throw new Error(`feature set ${table.features.name} gives sequences: give frames`);
    trainRows = trainRows.map((v) => fixFrames(v, dims, frames));
    testRows = testRows.map((v) => fixFrames(v, dims, frames));
    shape = [frames, dims];
  } else shape = [dims];
  return {
    labels,
    train: {
      rows: trainRows,
      labels: trainRecords.map((r) => labels.indexOf(r.emotion)),
      records: trainRecords,
    },
    test: { rows: testRows, labels: testRecords.map((r) => labels.indexOf(r.emotion)), records: testRecords },
    shape,
    normaliser,
    trainManifestHash: manifestHash(sides.train),
  };
}
