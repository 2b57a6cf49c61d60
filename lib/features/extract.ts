/**
 * Feature extraction over files: read → (cache hit? done) → decode → mono → resample to the set's rate →
 * features → cache. Runs on worker threads (one per core by default) with a progress bar; files that fail
 * to decode are returned as skipped with the one-line reason, never silently dropped.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { decodeAudio } from '../audio/decode';
import { prepareAudio } from '../audio/prepare';
import { progressBar } from '../util/progress';
import { oneLine } from '../util/errors';
import { contentHash, defaultCacheDir, FeatureCache } from './cache';
import { meydaStats, type MeydaStatsConfig } from './meyda-stats';
import { extractSet, featureSet, setDims, type LibrosaSetConfig } from './sets';
import { envThreads } from '../util/env';

/** A feature-set config: Meyda statistics or a librosa-exact set (built-in or user-defined). */
export type FeatureConfig = MeydaStatsConfig | LibrosaSetConfig;

/** A config from a built-in set name, or the config itself. */
export function resolveFeatureConfig(config: FeatureConfig | string): FeatureConfig {
  return typeof config === 'string' ? featureSet(config) : config;
}

/** Length of a stats vector, or features per frame of a sequence set (frames = vector length / dims). */
export function featureDims(config: FeatureConfig): number {
  return config.kind === 'librosa' ? setDims(config) : 2 * (config.nMfcc + config.melBands + 5 + 12);
}

/** One file's outcome inside the extractor (also what worker threads post back). */
export interface FileOutcome {
  vector?: Float32Array;
  reason?: string;
  cached: boolean;
}

/** Extract one file synchronously, through `cache` when given (the unit of work of every thread). */
export function extractFileSync(file: string, config: FeatureConfig, cache?: FeatureCache): FileOutcome {
  try {
    const bytes = fs.readFileSync(file);
    const hash = cache ? contentHash(bytes) : '';
    const hit = cache?.get(hash);
    if (hit) return { vector: hit, cached: true };
    const audio = prepareAudio(decodeAudio(bytes, file), file, { sampleRate: config.sampleRate });
    const vector = config.kind === 'librosa' ? extractSet(audio, config) : meydaStats(audio, config);
    cache?.put(hash, vector);
    return { vector, cached: false };
  } catch (err) {
    return { reason: oneLine(err), cached: false };
  }
}

/** One file's feature vector (no cache; throws when the file cannot be decoded). */
export async function fileFeatures(file: string, config: FeatureConfig): Promise<Float32Array> {
  const outcome = extractFileSync(file, config);
  if (!outcome.vector) throw new Error(outcome.reason);
  return outcome.vector;
}

/** Options of {@link extractFeatures}. */
export interface ExtractOptions {
  /** Progress-bar label. Default 'features'. */
  label?: string;
  /** Show a progress bar on stderr. Default true. */
  progress?: boolean;
  /** Worker threads; 0 or 1 extracts in this thread. Default: $SER_THREADS, else one per core. */
  workers?: number;
  /** A pool to run on (kept open); by default one is started for the call and closed after it. */
  pool?: ExtractorPool;
  /** Cache folder, or null for no cache. Default `$SER_CACHE_DIR/features`, else `<project>/.cache/features`. */
  cacheDir?: string | null;
}

export interface ExtractResult {
  /** Feature vectors, aligned with `files` (undefined where the file was skipped). */
  vectors: (Float32Array | undefined)[];
  skipped: { path: string; reason: string }[];
  /** Files served from the cache. */
  cacheHits: number;
  /** Length of a stats vector or features per frame of a sequence. */
  dims: number;
  seconds: number;
}

/** A batch of files for a worker (extract-worker.ts) and its answer. */
export interface ExtractBatch {
  id: number;
  files: string[];
  config: FeatureConfig;
  cacheDir: string | null;
}
export interface ExtractBatchResult {
  id: number;
  outcomes: FileOutcome[];
}

const BATCH = 8;

function defaultWorkers(): number {
  return (
    envThreads() ??
    (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length)
  );
}

/**
 * Worker threads that extract features, kept alive between calls (starting a worker and warming its JIT
 * costs a fraction of a second; notebooks and benches that extract repeatedly reuse one pool).
 * With 0 or 1 threads, or when the compiled worker script is absent (tslab runs lib/*.ts), it extracts in
 * this thread. Call {@link ExtractorPool.close} when done.
 */
export class ExtractorPool {
  private readonly workers: Worker[];

  constructor(threads: number = defaultWorkers()) {
    const script = path.join(__dirname, 'extract-worker.js');
    this.workers =
      threads <= 1 || !fs.existsSync(script) ? [] : Array.from({ length: threads }, () => new Worker(script));
  }

  /** Extract `files` (through the cache at `cacheDir` unless null), calling `onBatch` after each batch. */
  async run(
    files: string[],
    config: FeatureConfig,
    cacheDir: string | null,
    onBatch: (outcomes: FileOutcome[]) => void = () => {},
  ): Promise<FileOutcome[]> {
    const outcomes = new Array<FileOutcome>(files.length);
    const threads = Math.min(this.workers.length, Math.ceil(files.length / BATCH));
    if (threads <= 1) {
      // Yield between batches so the progress bar gets a turn.
      const cache = cacheDir === null ? undefined : new FeatureCache(config, cacheDir);
      for (let i = 0; i < files.length; i += BATCH) {
        const batch = files.slice(i, i + BATCH).map((f) => extractFileSync(f, config, cache));
        batch.forEach((o, k) => (outcomes[i + k] = o));
        onBatch(batch);
        await new Promise((r) => setImmediate(r));
      }
      return outcomes;
    }
    if (cacheDir !== null) new FeatureCache(config, cacheDir); // writes config.json once, before the race
    const batches: ExtractBatch[] = [];
    for (let i = 0; i < files.length; i += BATCH)
      batches.push({ id: i, files: files.slice(i, i + BATCH), config, cacheDir });
    let next = 0;
    await Promise.all(
      this.workers.slice(0, threads).map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let inFlight = 0;
            const onMessage = (r: ExtractBatchResult) => {
              inFlight--;
              r.outcomes.forEach((o, k) => (outcomes[r.id + k] = o));
              onBatch(r.outcomes);
              feed();
            };
            const onError = (err: Error) => finish(err);
            const onExit = (code: number) => finish(new Error(`feature worker exited with code ${code}`));
            const finish = (err?: Error) => {
              worker.off('message', onMessage);
              worker.off('error', onError);
              worker.off('exit', onExit);
              if (err) reject(err);
              else resolve();
            };
            // Two batches in flight per worker so it never waits for the main thread.
            const feed = () => {
              while (inFlight < 2 && next < batches.length) {
                worker.postMessage(batches[next++]);
                inFlight++;
              }
              if (inFlight === 0) finish();
            };
            worker.on('message', onMessage);
            worker.on('error', onError);
            worker.on('exit', onExit);
            feed();
          }),
      ),
    );
    return outcomes;
  }

  /** Stop the worker threads. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Extract features for many files on worker threads, through the feature cache, with a progress bar on
 * stderr. `config` may be a built-in set name ('seed000', 'stats', …).
 */
export async function extractFeatures(
  files: string[],
  config: FeatureConfig | string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const resolved = resolveFeatureConfig(config);
  const start = Date.now();
  const bar = options.progress === false ? undefined : progressBar(options.label ?? 'features', files.length);
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const threads = Math.min(options.workers ?? defaultWorkers(), Math.ceil(files.length / BATCH));
  let cacheHits = 0;
  const pool = options.pool ?? new ExtractorPool(threads);
  let outcomes: FileOutcome[];
  try {
    outcomes = await pool.run(files, resolved, cacheDir, (batch) => {
      for (const o of batch) if (o.cached) cacheHits++;
      bar?.tick(batch.length);
    });
  } finally {
    if (!options.pool) await pool.close();
  }
  bar?.done(cacheHits > 0 ? `(${cacheHits} cached)` : undefined);
  const skipped = outcomes.flatMap((o, i) =>
    o.vector ? [] : [{ path: files[i], reason: o.reason ?? 'unknown error' }],
  );
  return {
    vectors: outcomes.map((o) => o.vector),
    skipped,
    cacheHits,
    dims: featureDims(resolved),
    seconds: (Date.now() - start) / 1000,
  };
}
