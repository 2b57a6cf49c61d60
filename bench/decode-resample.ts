/**
 * Bench: decode + mono + resample to 16 kHz of every TESS file on one core, as a real-time factor
 * (seconds of audio per second of compute; the issue's target is >= 200). Two copies of TESS are timed:
 * the shared corpus as stored (`../shared/datasets/tess`: 2796 FLAC + 4 raw WAV quirk files) and the
 * materialised WAV tree (`data/tess`). Files are read into memory first, so only decoding and
 * resampling (lib/audio decodeAudio + prepareAudio) are timed.
 *
 * One core: the bench re-runs itself under `taskset -c 0` with V8's `--single-threaded` (no concurrent
 * GC or compiler threads); `pinned` in the output says whether that worked.
 *
 *   npx tsc -p . && node dist/bench/decode-resample.js [--limit N]
 *
 * Prints one JSON object; `realtimeFactor` = audio seconds / compute seconds, per corpus.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeAudio, prepareAudio } from '../lib/audio';
import { resolveDataRoot } from '../lib/data/root';
import { projectRoot } from '../lib/util/paths';

const TARGET_RATE = 16000;
const TARGET_FACTOR = 200;
const CHILD_FLAG = '--pinned-child';

function listAudio(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? listAudio(path.join(dir, e.name))
        : /\.(wav|flac)$/.test(e.name)
          ? [path.join(dir, e.name)]
          : [],
    )
    .sort();
}

interface CorpusTiming {
  corpus: string;
  dir: string;
  files: number;
  flacFiles: number;
  audioSeconds: number;
  seconds: number;
  realtimeFactor: number;
}

function timeCorpus(corpus: string, dir: string, limit: number): CorpusTiming | undefined {
  const files = listAudio(dir).slice(0, limit);
  if (files.length === 0) return undefined;
  const contents = files.map((f) => fs.readFileSync(f));
  let audioSeconds = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < files.length; i++) {
    const decoded = decodeAudio(contents[i], files[i]);
    audioSeconds += decoded.channels[0].length / decoded.sampleRate;
    const loaded = prepareAudio(decoded, files[i], { sampleRate: TARGET_RATE });
    if (loaded.sampleRate !== TARGET_RATE) throw new Error(`${files[i]}: not resampled`);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    corpus,
    dir,
    files: files.length,
    flacFiles: files.filter((f) => f.endsWith('.flac')).length,
    audioSeconds: Number(audioSeconds.toFixed(1)),
    seconds: Number(seconds.toFixed(3)),
    realtimeFactor: Math.round(audioSeconds / seconds),
  };
}

function measure(args: string[], pinned: boolean): void {
  const limitAt = args.indexOf('--limit');
  const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : Infinity;
  const shared = process.env.SER_SHARED_DATASETS || path.resolve(projectRoot(), '..', 'shared', 'datasets');
  const corpora = [
    timeCorpus('shared TESS (FLAC as stored)', path.join(shared, 'tess'), limit),
    timeCorpus('data/tess (materialised WAV)', path.join(resolveDataRoot(), 'tess'), limit),
  ].filter((c): c is CorpusTiming => c !== undefined);
  if (corpora.length === 0) throw new Error(`no TESS files under ${shared}/tess or the data root`);
  console.log(
    JSON.stringify({
      bench: 'decode-resample',
      what: `decode + mono + resample to ${TARGET_RATE} Hz, every TESS file, one core`,
      sampleRate: TARGET_RATE,
      cores: 1,
      pinned,
      availableParallelism: os.availableParallelism(),
      node: process.version,
      corpora,
      target: { realtimeFactor: TARGET_FACTOR },
      meetsTarget: corpora.every((c) => c.realtimeFactor >= TARGET_FACTOR),
    }),
  );
}

function main(): void {
  const args = process.argv.slice(2);
  if (args.includes(CHILD_FLAG)) return measure(args, true);
  const child = spawnSync(
    'taskset',
    ['-c', '0', process.execPath, '--single-threaded', __filename, CHILD_FLAG, ...args],
    { stdio: 'inherit' },
  );
  if (child.error) {
    // No taskset here: measure in this process (still one JS thread, but GC helpers may use other cores).
    console.error(`decode-resample: cannot pin to one core (${child.error.message}); running unpinned`);
    return measure(args, false);
  }
  process.exitCode = child.status ?? 1;
}

main();
