/**
 * The manifest: one row per usable audio file of one or more corpora, with its labels (from the corpus
 * naming), its format (from decoding it) and its hashes; plus every file that was not used, with the reason,
 * and the groups of files holding the same audio.
 *
 * Building decodes every file (worker threads, one per core by default) and caches each file's probe under
 * `.cache/manifest/`, keyed by corpus folder, relative path, size and mtime: a rebuild only decodes files
 * that changed. Labels are always re-parsed (cheap), so label options never need a new probe.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeFileAtomic } from '../util/atomic';
import { projectRoot } from '../util/paths';
import { progressBar } from '../util/progress';
import { loadCorpus } from './corpora';
import { DEFAULT_LABEL_OPTIONS, type LabelOptions } from './emotions';
import { probeFile, type AudioProbe, type ProbeOutcome } from './probe';
import type { ClipRecord, CorpusLoad, SkippedFile } from './types';
import { envThreads } from '../util/env';

export const MANIFEST_VERSION = 1;

/** One usable audio file: its labels ({@link ClipRecord}), format and hashes. */
export interface ManifestRow extends ClipRecord, AudioProbe {
  /** `<corpus>/<path below the corpus folder>` with `/` separators: stable across data roots and machines. */
  id: string;
  /** Seconds: frames / sampleRate. */
  duration: number;
}

/** Files whose decoded audio is identical (same `contentHash`). */
export interface DuplicateGroup {
  contentHash: string;
  /** Whether the files are also byte for byte the same (same `fileHash`). */
  byteIdentical: boolean;
  /** Whether every file has the same corpus, speaker and emotion (else a label conflict). */
  labelsAgree: boolean;
  ids: string[];
}

export interface ManifestCorpus {
  corpus: string;
  /** The folder the corpus was read from. */
  dir: string;
  /** Files found: rows + skipped. */
  files: number;
  rows: number;
  skipped: number;
}

export interface Manifest {
  version: typeof MANIFEST_VERSION;
  /** SHA-256 of the rows' ids, labels and content hashes (not of absolute paths): what saved splits refer to. */
  hash: string;
  labelOptions: Required<LabelOptions>;
  corpora: ManifestCorpus[];
  /** Sorted by id. */
  rows: ManifestRow[];
  /** Files not in `rows`, each with its corpus and reason (naming or decoding). Sorted by path. */
  skipped: SkippedFile[];
  duplicates: DuplicateGroup[];
  /** Probes reused from the cache and made afresh; `dir` is null when caching was off. */
  cache: { hits: number; misses: number; dir: string | null };
}

export interface ProbeOptions {
  /** Worker threads decoding files; 0 or 1 decodes in this thread. Default: $SER_THREADS, else one per core (at most 8). */
  workers?: number;
  /** Where probes are cached; null turns caching off. Default `<project>/.cache/manifest`. */
  cacheDir?: string | null;
  /** Show a progress bar on stderr while decoding. Default true. */
  progress?: boolean;
}

export interface ManifestOptions extends LabelOptions, ProbeOptions {
  /** Corpus names (see corpusNames()); with more than one, each must be in its own folder under `root`. */
  corpora: string[];
  /** The data root. */
  root: string;
}

/** A batch of files for a worker (manifest-worker.ts) and its answer. */
export interface ProbeBatch {
  id: number;
  paths: string[];
}
export interface ProbeBatchResult {
  id: number;
  outcomes: ProbeOutcome[];
}

const BATCH = 16;

/** Default worker count: $SER_THREADS, else the cores (at most 8). */
export function defaultWorkerCount(): number {
  return envThreads() ?? Math.min(8, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

/** Probe files on `workers` threads (or in this thread), calling `onBatch` with the count after each batch. */
export async function probeFiles(paths: string[], workers: number, onBatch: (n: number) => void = () => {}): Promise<ProbeOutcome[]> {
  const outcomes: ProbeOutcome[] = new Array<ProbeOutcome>(paths.length);
  // The compiled worker beside this file, or (under tslab, which runs lib/*.ts) the one in dist/.
  const script = [__dirname, path.join(projectRoot(), 'dist', 'lib', 'data')]
    .map((d) => path.join(d, 'manifest-worker.js'))
    .find((f) => fs.existsSync(f));
  const threads = Math.min(workers, Math.ceil(paths.length / BATCH));
  if (threads <= 1 || script === undefined) {
    // In this thread: yield between batches so the progress bar and other callbacks get a turn.
    for (let i = 0; i < paths.length; i += BATCH) {
      const end = Math.min(paths.length, i + BATCH);
      for (let j = i; j < end; j++) outcomes[j] = probeFile(paths[j]);
      onBatch(end - i);
      await new Promise((r) => setImmediate(r));
    }
    return outcomes;
  }
  const batches: ProbeBatch[] = [];
  for (let i = 0; i < paths.length; i += BATCH) batches.push({ id: i, paths: paths.slice(i, i + BATCH) });
  let next = 0;
  const pool = Array.from({ length: threads }, () => new Worker(script));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= batches.length) return resolve();
              worker.postMessage(batches[next++]);
            };
            worker.on('message', (r: ProbeBatchResult) => {
              r.outcomes.forEach((o, k) => (outcomes[r.id + k] = o));
              onBatch(r.outcomes.length);
              feed();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => reject(new Error(`manifest worker exited with code ${code}`)));
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return outcomes;
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  outcome: ProbeOutcome;
}
interface CacheFile {
  version: typeof MANIFEST_VERSION;
  dir: string;
  entries: Record<string, CacheEntry>;
}

function cacheFileFor(cacheDir: string, corpusDir: string): string {
  return path.join(cacheDir, `probes-${createHash('sha256').update(corpusDir).digest('hex').slice(0, 16)}.json`);
}

function readCache(file: string, corpusDir: string): Record<string, CacheEntry> {
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
    return c.version === MANIFEST_VERSION && c.dir === corpusDir ? c.entries : {};
  } catch {
    return {}; // absent or unreadable: rebuild
  }
}

const toId = (corpus: string, dir: string, file: string) => `${corpus}/${path.relative(dir, file).split(path.sep).join('/')}`;

/** Probe the records of loaded corpora (through the cache) and assemble the manifest. */
export async function manifestFromLoads(loads: CorpusLoad[], options: ProbeOptions & LabelOptions = {}): Promise<Manifest> {
  const cacheDir = options.cacheDir === undefined ? path.join(projectRoot(), '.cache', 'manifest') : options.cacheDir;
  const jobs: { load: CorpusLoad; record: ClipRecord; rel: string; size: number; mtimeMs: number; outcome?: ProbeOutcome }[] = [];
  const skipped: SkippedFile[] = [];
  const caches = new Map<string, Record<string, CacheEntry>>();
  for (const load of loads) {
    const entries = cacheDir === null ? {} : readCache(cacheFileFor(cacheDir, load.dir), load.dir);
    caches.set(load.dir, entries);
    skipped.push(...load.skipped.map((s) => ({ ...s, corpus: s.corpus ?? load.corpus })));
    for (const record of load.records) {
      const rel = path.relative(load.dir, record.path);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(record.path);
      } catch (err) {
        jobs.push({ load, record, rel, size: -1, mtimeMs: -1, outcome: { ok: false, reason: `cannot read: ${(err as NodeJS.ErrnoException).code}` } });
        continue;
      }
      const hit = entries[rel];
      const cached = hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs ? hit.outcome : undefined;
      jobs.push({ load, record, rel, size: stat.size, mtimeMs: stat.mtimeMs, outcome: cached });
    }
  }
  const todo = jobs.filter((j) => j.outcome === undefined);
  if (todo.length > 0) {
    const bar = options.progress === false ? undefined : progressBar('manifest: decoding', todo.length);
    const outcomes = await probeFiles(
      todo.map((j) => j.record.path),
      options.workers ?? defaultWorkerCount(),
      (n) => bar?.tick(n),
    );
    todo.forEach((j, i) => (j.outcome = outcomes[i]));
    bar?.done();
    if (cacheDir !== null) {
      for (const load of loads) {
        // Entries of files outside this load (a filtered load) are kept while the file exists.
        const entries: Record<string, CacheEntry> = {};
        for (const [rel, e] of Object.entries(caches.get(load.dir) ?? {})) {
          if (fs.existsSync(path.join(load.dir, rel))) entries[rel] = e;
        }
        for (const j of jobs) {
          if (j.load === load && j.size >= 0) entries[j.rel] = { size: j.size, mtimeMs: j.mtimeMs, outcome: j.outcome! };
        }
        const file: CacheFile = { version: MANIFEST_VERSION, dir: load.dir, entries };
        writeFileAtomic(cacheFileFor(cacheDir, load.dir), JSON.stringify(file));
      }
    }
  }

  const rows: ManifestRow[] = [];
  for (const j of jobs) {
    const o = j.outcome!;
    if (!o.ok) skipped.push({ path: j.record.path, reason: o.reason, corpus: j.load.corpus });
    else {
      rows.push({
        id: toId(j.load.corpus, j.load.dir, j.record.path),
        ...j.record,
        ...o.probe,
        duration: o.probe.frames / o.probe.sampleRate,
      });
    }
  }
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const corpora = loads.map((l) => {
    const n = rows.filter((r) => r.corpus === l.corpus).length;
    const s = skipped.filter((x) => x.corpus === l.corpus).length;
    return { corpus: l.corpus, dir: l.dir, files: n + s, rows: n, skipped: s };
  });
  return {
    version: MANIFEST_VERSION,
    hash: manifestHash(rows),
    labelOptions: { ...DEFAULT_LABEL_OPTIONS, ...definedOnly(options) },
    corpora,
    rows,
    skipped,
    duplicates: findDuplicates(rows),
    cache: { hits: jobs.length - todo.length, misses: todo.length, dir: cacheDir },
  };
}

function definedOnly(o: LabelOptions): LabelOptions {
  const out: LabelOptions = {};
  if (o.calm !== undefined) out.calm = o.calm;
  if (o.boredom !== undefined) out.boredom = o.boredom;
  return out;
}

/**
 * Build the manifest of `corpora` under `root`: load each corpus (labels from its naming), decode every
 * clip (parallel, cached) and report skipped files and duplicates. See {@link ManifestOptions} for defaults.
 */
export async function buildManifest(options: ManifestOptions): Promise<Manifest> {
  const names = [...new Set(options.corpora)];
  const loads: CorpusLoad[] = [];
  for (const name of names) loads.push(await loadCorpus(name, options.root, { ...options, subfolderOnly: names.length > 1 }));
  return manifestFromLoads(loads, options);
}

/** SHA-256 over each row's id, labels and content hash, in id order. */
export function manifestHash(rows: readonly ManifestRow[]): string {
  const h = createHash('sha256');
  for (const r of [...rows].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const fields = [r.id, r.speaker, r.gender, r.emotion, r.corpusLabel, r.intensity, r.sentence, r.repetition ?? null, r.contentHash];
    h.update(JSON.stringify(fields) + '\n');
  }
  return h.digest('hex');
}

/** Groups of rows with the same decoded audio, in id order. */
export function findDuplicates(rows: readonly ManifestRow[]): DuplicateGroup[] {
  const byHash = new Map<string, ManifestRow[]>();
  for (const r of rows) byHash.set(r.contentHash, [...(byHash.get(r.contentHash) ?? []), r]);
  const groups: DuplicateGroup[] = [];
  for (const [contentHash, same] of byHash) {
    if (same.length < 2) continue;
    const key = (r: ManifestRow) => `${r.corpus}\0${r.speaker}\0${r.emotion}`;
    groups.push({
      contentHash,
      byteIdentical: same.every((r) => r.fileHash === same[0].fileHash),
      labelsAgree: same.every((r) => key(r) === key(same[0])),
      ids: same.map((r) => r.id).sort(),
    });
  }
  return groups.sort((a, b) => (a.ids[0] < b.ids[0] ? -1 : 1));
}

/** Counts for reports: files, rows and skipped files, rows per corpus, emotion and speaker (`corpus/speaker`). */
export interface ManifestCounts {
  files: number;
  rows: number;
  skipped: number;
  duplicateGroups: number;
  byCorpus: Record<string, number>;
  byEmotion: Record<string, number>;
  bySpeaker: Record<string, number>;
  byCorpusEmotion: Record<string, Record<string, number>>;
}

export function manifestCounts(m: Manifest): ManifestCounts {
  const inc = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);
  const c: ManifestCounts = {
    files: m.rows.length + m.skipped.length,
    rows: m.rows.length,
    skipped: m.skipped.length,
    duplicateGroups: m.duplicates.length,
    byCorpus: {},
    byEmotion: {},
    bySpeaker: {},
    byCorpusEmotion: {},
  };
  for (const r of m.rows) {
    inc(c.byCorpus, r.corpus);
    inc(c.byEmotion, r.emotion);
    inc(c.bySpeaker, `${r.corpus}/${r.speaker}`);
    inc((c.byCorpusEmotion[r.corpus] ??= {}), r.emotion);
  }
  return c;
}
