/**
 * Bench: the `seed000-bench` feature set (MFCC 40 + Δ + ΔΔ + chroma + ZCR + RMS; n_fft 512, hop 256,
 * 128 mels, 22050 Hz, chroma tuning estimated per clip as librosa does) for every TESS file, against librosa
 * 0.10.1 doing the same in the same run (bench/reference/features_librosa.py, Debian's python, one thread).
 *
 *   npx tsc -p . && node dist/bench/features.js [DATA_ROOT] [--limit N]
 *   (librosa from LIBROSA_SRC, default /tmp/librosa-src; see test/fixtures/features/make-golden.py)
 *
 * Throughput is audio-seconds per wall-clock second. `endToEnd` includes reading, decoding and resampling
 * (librosa.load with res_type='polyphase' on the librosa side); `featuresOnly` times the features of audio
 * already in memory. Ratios are TypeScript throughput / librosa throughput (above 1: TypeScript is faster).
 * The machine is shared, so the files are processed in chunks and each chunk is timed on every side in
 * turn (TypeScript one thread, TypeScript two workers, TypeScript features only, librosa): all sides see the
 * same load. The two-worker side keeps one pool of two worker threads, warmed up like the
 * other sides before timing. No cache is used. Prints one JSON
 * object.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as readline from 'node:readline';
import { Worker } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAudioSync } from '../lib/audio';
import { extractFeatures, extractFileSync, ExtractorPool, extractSet, FEATURE_SETS } from '../lib/features';
import { listFiles } from '../lib/util/files';

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

interface LibrosaChunk {
  seconds: number;
  loadSeconds: number;
  audioSeconds: number;
  checksums: number[];
}

/** The librosa reference as a persistent process answering one chunk of paths per line. */
function startLibrosa(): { run(paths: string[]): Promise<LibrosaChunk>; close(): void } {
  const env = {
    ...process.env,
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    NUMBA_NUM_THREADS: '1',
  };
  const script = path.resolve(__dirname, '..', '..', 'bench', 'reference', 'features_librosa.py');
  const child = spawn('/usr/bin/python3', [script], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  return {
    run(paths) {
      return new Promise((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`librosa reference exited with code ${code}`)));
        waiting.push((line) => resolve(JSON.parse(line) as LibrosaChunk));
        child.stdin.write(JSON.stringify(paths) + '\n');
      });
    },
    close() {
      child.stdin.end();
    },
  };
}

/**
 * Cores this process can actually use right now (the machine is shared): the same fixed busy loop on one
 * thread, then on two worker threads at once; 2 × one / two ≈ 2 when both cores are free, ≈ 1 when others
 * hold one.
 */
async function effectiveCores(): Promise<number> {
  const spin =
    'let x = 0; for (let i = 0; i < 2e8; i++) x += i % 7; require("node:worker_threads").parentPort?.postMessage(x);';
  const run = (n: number) =>
    Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<void>((resolve) => {
            const w = new Worker(spin, { eval: true });
            w.once('message', () => void w.terminate().then(() => resolve()));
          }),
      ),
    );
  await run(1);
  let t = process.hrtime.bigint();
  await run(1);
  const one = seconds(t);
  t = process.hrtime.bigint();
  await run(2);
  return (2 * one) / seconds(t);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const limitAt = args.indexOf('--limit');
  const limit = limitAt >= 0 ? Number(args.splice(limitAt, 2)[1]) : Infinity;
  const root = args[0] ?? process.env.SER_DATA_DIR ?? path.resolve(__dirname, '..', '..', 'data');
  const files = listFiles(path.join(root, 'tess'), /\.wav$/).slice(0, limit);
  if (files.length === 0) throw new Error(`no .wav files under ${root}/tess`);
  const set = FEATURE_SETS['seed000-bench'];
  const librosa = startLibrosa();

  for (const f of files) fs.readFileSync(f); // page cache, for both sides
  for (const f of files.slice(0, 10)) extractFileSync(f, set); // JIT warm-up, as librosa warms numba
  const pool = new ExtractorPool(2);
  await extractFeatures(files.slice(0, 40), set, { pool, cacheDir: null, progress: false });

  const coresBefore = await effectiveCores();
  let tsOne = 0;
  let tsTwo = 0;
  let tsFeatures = 0;
  let audioSeconds = 0;
  const ref = { seconds: 0, loadSeconds: 0, audioSeconds: 0 };
  let worstChecksum = 0;
  const chunk = 350;
  for (let i = 0; i < files.length; i += chunk) {
    const part = files.slice(i, i + chunk);
    // TypeScript, one thread, end to end.
    let t = process.hrtime.bigint();
    const checksums = part.map((f) => {
      const v = extractFileSync(f, set).vector;
      if (!v) throw new Error(`TypeScript extraction failed on ${f}`);
      return v.reduce((s, x) => s + x, 0);
    });
    tsOne += seconds(t);
    // TypeScript, both cores (worker threads), end to end.
    t = process.hrtime.bigint();
    const parallel = await extractFeatures(part, set, { pool, cacheDir: null, progress: false });
    tsTwo += seconds(t);
    if (parallel.skipped.length > 0)
      throw new Error(`parallel extraction skipped ${parallel.skipped.length} files`);
    // TypeScript, one thread, features of audio already loaded.
    const audios = part.map((f) => loadAudioSync(f, { sampleRate: 22050 }));
    audioSeconds += audios.reduce((s, a) => s + a.samples.length, 0) / 22050;
    t = process.hrtime.bigint();
    for (const a of audios) extractSet(a, set);
    tsFeatures += seconds(t);
    // librosa, one thread.
    const r = await librosa.run(part);
    ref.seconds += r.seconds;
    ref.loadSeconds += r.loadSeconds;
    ref.audioSeconds += r.audioSeconds;
    checksums.forEach((c, k) => {
      worstChecksum = Math.max(
        worstChecksum,
        Math.abs(c - r.checksums[k]) / Math.max(1, Math.abs(r.checksums[k])),
      );
    });
  }
  librosa.close();
  await pool.close();
  const coresAfter = await effectiveCores();

  const rate = (s: number) => audioSeconds / s;
  const librosaEnd = ref.audioSeconds / ref.seconds;
  const librosaFeatures = ref.audioSeconds / (ref.seconds - ref.loadSeconds);
  console.log(
    JSON.stringify({
      bench: 'features',
      what: 'seed000 + ZCR + RMS (MFCC 40, Δ, ΔΔ, chroma with tuning estimation; n_fft 512, hop 256, 128 mels, 22050 Hz), every TESS file',
      files: files.length,
      audioSeconds: round(audioSeconds, 1),
      loadAverage1m: round(os.loadavg()[0]),
      effectiveCores: { before: round(coresBefore), after: round(coresAfter) },
      typescript: {
        endToEnd: { oneThread: round(rate(tsOne)), twoWorkers: round(rate(tsTwo)) },
        featuresOnly: { oneThread: round(rate(tsFeatures)) },
        unit: 'audio-seconds per second',
      },
      librosa: {
        impl: 'librosa 0.10.1, numpy/scipy from Debian, one thread',
        endToEnd: round(librosaEnd),
        featuresOnly: round(librosaFeatures),
      },
      ratio: {
        endToEndOneThread: round(rate(tsOne) / librosaEnd),
        endToEndTwoWorkers: round(rate(tsTwo) / librosaEnd),
        featuresOnlyOneThread: round(rate(tsFeatures) / librosaFeatures),
      },
      worstClipChecksumRelDiff: Number(worstChecksum.toExponential(2)),
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
