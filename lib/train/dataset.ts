/**
 * From corpora to model inputs: the manifest (rows with content hashes, so splits are checked for leaks),
 * a protocol's folds, cached features per clip, normalisation fitted without test labels, and fixed-length
 * sequences. Shared by `trainModel`, `ser train` and bench/accuracy.
 */
import { buildManifest, manifestHash, type ManifestRow } from '../data/manifest';
import { foldIndex, foldRows, makeProtocolSplit, speakerKey, type Split } from '../data/split';
import { limitPerSpeakerEmotion } from '../data/subset';
import { defaultCacheDir, FeatureCache } from '../features/cache';
import { ExtractorPool, extractFeatures } from '../features/extract';
import type { StoredNormaliser } from '../features/normaliser';
import { featureSet, setDims, type LibrosaSetConfig } from '../features/sets';
import {
  fitStandardizerOver,
  standardize,
  standardizeSequence,
  type StandardizerState,
} from '../features/standardize';
import { UserError } from '../util/errors';
import { envNumber } from '../util/env';
import { progressBar } from '../util/progress';
import { cropFrames, fixFrames } from './frames';
import { eachRow, mappedRows, rowSubset, type RowSource } from './rows';
import type { AugmentedRows } from './speaker-augmentation';

export { fixFrames };

export { SPLIT_NAMES, type SplitName } from '../data/split';

/**
 * How features are normalised. `global`: one z-score fitted on the training side only. `per-speaker`: every
 * speaker (test speakers included) z-scored with its own statistics over its own clips, no labels used; it
 * needs a batch of the test speaker's unlabelled clips, so it is a protocol of its own, reported separately.
 */
export type Normalisation = 'global' | 'per-speaker';

/**
 * Feature vectors of a table's rows, by row index. `cache`: the rows' cache keys are held, and a `get` reads that
 * clip's entry from the on-disk feature cache (a few hundred kB at most); entries read are kept while they fit
 * in a fixed budget (`keepBytes`), so a corpus that fits is read from disk once and memory never grows past the
 * budget, whatever the corpus. `memory`: every vector is held (small sets, or no cache).
 */
export interface FeatureVectors extends RowSource {
  readonly storage: FeatureStorage;
  /** Vectors handed out by `get` so far (tests check that training reads rows per batch, not whole sides). */
  readonly reads: number;
  /** Of those, the ones read from the on-disk feature cache (0 for a table in memory). */
  readonly diskReads: number;
}

/** Where a table's feature vectors live: read from the feature cache on demand, or held in memory. */
export type FeatureStorage = 'cache' | 'memory';

/** Manifest rows of `corpora` with their feature vectors (clips that failed to decode are dropped and listed). */
export interface FeatureTable {
  corpora: string[];
  features: LibrosaSetConfig;
  rows: ManifestRow[];
  /** `vectors.get(i)` is row i's feature vector. */
  vectors: FeatureVectors;
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
  /**
   * Default 'cache': rows are read from the feature cache when a batch needs them, and kept up to `keepBytes`
   * (memory bounded by that budget plus a batch). 'memory' holds every vector, as before.
   */
  storage?: FeatureStorage;
  /**
   * With `storage: 'cache'`: bytes of vectors kept in memory once read (the first rows read, up to this much;
   * the rest are read from disk on every `get`). Default {@link DEFAULT_KEEP_BYTES}, or `SER_FEATURE_KEEP_MB`.
   */
  keepBytes?: number;
  /** Feature cache folder. Default lib/features' default (`$SER_CACHE_DIR/features` or `.cache/features`). */
  cacheDir?: string;
}

/**
 * Bytes of feature vectors a cache-backed table keeps once read: every clip of TESS or RAVDESS in any registered
 * set fits, so training reads each from disk once (reading them again every epoch took a quarter of a seed000
 * TESS epoch: 4.1–4.5 s against 2.8–3.3 s held, idle).
 */
export const DEFAULT_KEEP_BYTES = 512 * 2 ** 20;

function keepBytesOf(options: FeatureTableOptions): number {
  if (options.keepBytes !== undefined) return options.keepBytes;
  const mb = envNumber('SER_FEATURE_KEEP_MB', (n) => n >= 0);
  return mb === undefined ? DEFAULT_KEEP_BYTES : mb * 2 ** 20;
}

/** Vectors read from `cache` by content hash, the first `keepBytes` of them kept once read. */
class CachedFeatureVectors implements FeatureVectors {
  readonly storage = 'cache';
  reads = 0;
  /** Entries read from disk (reads minus those served from memory). */
  diskReads = 0;
  private readonly kept = new Map<number, Float32Array>();
  private keptBytes = 0;
  constructor(
    private readonly cache: FeatureCache,
    private readonly rows: readonly ManifestRow[],
    private readonly keepBytes: number,
  ) {}
  get length(): number {
    return this.rows.length;
  }
  get(i: number): Float32Array {
    this.reads++;
    const held = this.kept.get(i);
    if (held) return held;
    const row = this.rows[i];
    const vector = this.cache.get(row.fileHash);
    if (!vector)
      throw new Error(
        `the feature cache entry of ${row.path} (${this.cache.dir}) vanished or was damaged during training: run again`,
      );
    this.diskReads++;
    if (this.keptBytes + vector.byteLength <= this.keepBytes) {
      this.kept.set(i, vector);
      this.keptBytes += vector.byteLength;
    }
    return vector;
  }
}

class MemoryFeatureVectors implements FeatureVectors {
  readonly storage = 'memory';
  reads = 0;
  readonly diskReads = 0;
  constructor(private readonly vectors: readonly Float32Array[]) {}
  get length(): number {
    return this.vectors.length;
  }
  get(i: number): Float32Array {
    this.reads++;
    return this.vectors[i];
  }
}

/** Clips per extraction round while filling the cache, so a cold cache never holds the corpus in memory. */
const EXTRACT_CHUNK = 256;

/**
 * Make sure every row has a whole cache entry, extracting the missing ones (in chunks, the vectors dropped once
 * cached). Returns the rows that could not be decoded.
 */
async function fillCache(
  rows: ManifestRow[],
  set: LibrosaSetConfig,
  cache: FeatureCache,
  cacheRoot: string,
  options: FeatureTableOptions,
): Promise<{ path: string; reason: string }[]> {
  const missing = rows.filter((r) => !cache.has(r.fileHash));
  if (missing.length === 0) return [];
  const bar = options.progress === false ? undefined : progressBar(`features ${set.name}`, missing.length);
  const pool = options.pool ?? new ExtractorPool();
  const skipped: { path: string; reason: string }[] = [];
  try {
    for (let i = 0; i < missing.length; i += EXTRACT_CHUNK) {
      const chunk = missing.slice(i, i + EXTRACT_CHUNK);
      const outcomes = await pool.run(
        chunk.map((r) => r.path),
        set,
        cacheRoot,
        (batch) => bar?.tick(batch.length),
      );
      outcomes.forEach((o, k) => {
        if (!o.vector) skipped.push({ path: chunk[k].path, reason: o.reason ?? 'unknown error' });
        // The extractor keys entries by the bytes it read; a file changed since the manifest was built lands elsewhere.
        else if (!cache.has(chunk[k].fileHash))
          throw new UserError(`${chunk[k].path} changed since the manifest was built: run again`);
      });
    }
  } finally {
    if (!options.pool) await pool.close();
  }
  bar?.done(`(${rows.length - missing.length} cached)`);
  return skipped;
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
  if ((options.storage ?? 'cache') === 'cache') {
    const cacheRoot = options.cacheDir ?? defaultCacheDir();
    const cache = new FeatureCache(set, cacheRoot);
    const skipped = await fillCache(rows, set, cache, cacheRoot, options);
    const failed = new Set(skipped.map((s) => s.path));
    const kept = rows.filter((r) => !failed.has(r.path));
    return {
      corpora,
      features: set,
      rows: kept,
      vectors: new CachedFeatureVectors(cache, kept, keepBytesOf(options)),
      skipped,
    };
  }
  const result = await extractFeatures(
    rows.map((r) => r.path),
    set,
    {
      progress: options.progress ?? true,
      label: `features ${set.name}`,
      pool: options.pool,
      cacheDir: options.cacheDir,
    },
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
  return {
    corpora,
    features: set,
    rows: kept,
    vectors: new MemoryFeatureVectors(vectors),
    skipped: result.skipped,
  };
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
 * The folds of protocol `name` (lib/data/split's registry: a name or an older alias) over a table's rows. `cross`
 * trains on every corpus but the last and tests on the last, on the emotions both sides have (RAVDESS calm is
 * dropped when testing on TESS, which has no calm).
 */
export function makeSplit(table: FeatureTable, name: string, options: SplitOptions = {}): Split {
  const source = { hash: manifestHash(table.rows), rows: table.rows };
  return makeProtocolSplit(source, name, { ...options, corpora: table.corpora });
}

/**
 * Which fold of a split to use: its index, or `'most-speakers'`, the fold whose test side holds the most
 * speakers (the first on ties). Grouped k-fold balances folds by clip count, so a corpus with few prolific
 * speakers (TESS: 1 400 clips each) gets one-speaker folds; the most-speakers fold gives per-speaker results
 * and a speaker-level bootstrap something to work with.
 */
export type FoldChoice = number | 'most-speakers';

/**
 * The index of `choice` in `split` (rows: the table the split was made from). A number is the fold's 0-based
 * index; out of range is a one-line UserError listing the folds as users number them (from 1).
 */
export function resolveFold(split: Split, rows: readonly ManifestRow[], choice: FoldChoice): number {
  if (typeof choice === 'number') return foldIndex(split, choice + 1);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const speakers = split.folds.map(
    (f) => new Set(f.test.flatMap((id) => (byId.has(id) ? [speakerKey(byId.get(id)!)] : []))).size,
  );
  return speakers.indexOf(Math.max(...speakers));
}

export type { StoredNormaliser };

/** One side of a fold: rows normalised and frame-fixed as they are read, with labels and manifest rows. */
export interface FoldSide {
  rows: RowSource;
  labels: number[];
  records: ManifestRow[];
}

/** Model inputs of one fold. */
export interface FoldData {
  labels: string[];
  train: FoldSide;
  test: FoldSide;
  /** Per-example input shape: [frames, dims] for sequences, [dims] for statistics. */
  shape: number[];
  normaliser: StoredNormaliser;
  /** SHA-256 of the training side's manifest rows. */
  trainManifestHash: string;
  /** The whole test side (labels outside the training side's included), raw: what Pipeline.evaluate takes. */
  rawTest: { records: ManifestRow[]; rows: RowSource };
}

/** A z-score fitted over `rows` in two streaming passes (bit for bit lib/features' in-memory fitters). */
function zscore(
  rows: RowSource,
  sequence: boolean,
  dims: number,
): { state: StandardizerState; apply: (v: Float32Array) => Float32Array } {
  const state = fitStandardizerOver(() => eachRow(rows), dims);
  return { state, apply: (v) => (sequence ? standardizeSequence(state, v) : standardize(state, v)) };
}

/** Mean of all `rows` and the average of each speaker's standard deviation (see StoredNormaliser). */
function typicalSpeaker(
  rows: RowSource,
  records: ManifestRow[],
  sequence: boolean,
  dims: number,
): StandardizerState {
  const mean = zscore(rows, sequence, dims).state.mean;
  const speakers = [...new Set(records.map(speakerKey))];
  const std = new Array<number>(mean.length).fill(0);
  for (const s of speakers) {
    const own = zscore(
      rowSubset(
        rows,
        records.flatMap((r, i) => (speakerKey(r) === s ? [i] : [])),
      ),
      sequence,
      dims,
    ).state.std;
    own.forEach((v, d) => (std[d] += v / speakers.length));
  }
  return { mean, std };
}

/**
 * Inputs of fold `foldIndex` of `split`: labels (sorted emotions of the training side), the normaliser (fitted
 * by streaming over the rows it needs), and row sources that read each clip's vector from the table, normalise
 * it and fix sequences to `frames` frames (null: the set must give fixed-length vectors, as stats sets do) on
 * every read, so no side is ever held whole. `rowArray(data.train.rows)` materialises a side when wanted.
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
  const fold = split.folds[resolveFold(split, table.rows, foldIndex)];
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
    index.has(r.id) ? table.vectors.get(index.get(r.id)!) : extra.vectors[extraIndex.get(r.id)!];
  const trainRecords = [...sides.train, ...extra.records];
  const raw = (records: readonly ManifestRow[]): RowSource => ({
    length: records.length,
    get: (i) => vectorOf(records[i]),
  });
  const normalisation = options.normalisation ?? 'global';
  let normaliser: StoredNormaliser;
  let normalise: (v: Float32Array, r: ManifestRow) => Float32Array;
  if (normalisation === 'global') {
    const z = zscore(raw(trainRecords), sequence, dims);
    normaliser = { kind: 'global', sequence, state: z.state };
    normalise = z.apply;
  } else {
    // Each speaker's statistics from that speaker's clips on the same side of the split (no labels involved;
    // test clips of labels outside the training side's count too), as Pipeline.evaluate normalises a batch;
    // an augmented pseudo-speaker's from all of its copies.
    const pools: [Set<string>, readonly ManifestRow[]][] = [
      [new Set(sides.test.map((r) => r.id)), sides.test],
      [new Set(sides.train.map((r) => r.id)), sides.train],
      [new Set(extra.records.map((r) => r.id)), extra.records],
    ];
    const bySpeaker = new Map<string, (v: Float32Array) => Float32Array>();
    const ofSpeaker = (r: ManifestRow) => {
      const side = pools.findIndex(([ids]) => ids.has(r.id));
      const key = `${side}:${speakerKey(r)}`;
      let f = bySpeaker.get(key);
      if (!f) {
        const pool = pools[side][1].filter((x) => speakerKey(x) === speakerKey(r));
        f = zscore(raw(pool), sequence, dims).apply;
        bySpeaker.set(key, f);
      }
      return f;
    };
    normaliser = {
      kind: 'per-speaker',
      sequence,
      prior: typicalSpeaker(raw(sides.train), sides.train, sequence, dims),
    };
    // Fit every speaker now, so the first batch is not the one that pays for it.
    for (const r of [...trainRecords, ...testRecords]) ofSpeaker(r);
    normalise = (v, r) => ofSpeaker(r)(v);
  }
  const frames = options.frames ?? null;
  if (sequence && frames === null)
    throw new Error(`feature set ${table.features.name} gives sequences: give frames`);
  const shape = sequence ? [frames!, dims] : [dims];
  const side = (records: ManifestRow[]): FoldSide => ({
    // Crop before z-scoring (no frames scaled only to be dropped), pad after (padding stays 0, the z-scored mean):
    // the values are those of z-scoring the whole sequence and then fixing its frames.
    rows: mappedRows(raw(records), (v, i) =>
      sequence
        ? fixFrames(normalise(cropFrames(v, dims, frames!), records[i]), dims, frames!)
        : normalise(v, records[i]),
    ),
    labels: records.map((r) => labels.indexOf(r.emotion)),
    records,
  });
  return {
    labels,
    train: side(trainRecords),
    test: side(testRecords),
    shape,
    normaliser,
    trainManifestHash: manifestHash(sides.train),
    rawTest: { records: sides.test, rows: raw(sides.test) },
  };
}
