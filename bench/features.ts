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
 * No cache is used. Prints one JSON object.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAudioSync } from '../lib/audio';
import { extractFeatures, extractFileSync, extractSet, FEATURE_SETS } from '../lib/features';

function listWavs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? listWavs(path.join(dir, e.name))
        : e.name.endsWith('.wav')
          ? [path.join(dir, e.name)]
          : [],
    )
    .sort();
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const limitAt = args.indexOf('--limit');
  const limit = limitAt >= 0 ? Number(args.splice(limitAt, 2)[1]) : Infinity;
  const root = args[0] ?? process.env.SER_DATA_DIR ?? path.resolve(__dirname, '..', '..', 'data');
  const files = listWavs(path.join(root, 'tess')).slice(0, limit);
  if (files.length === 0) throw new Error(`no .wav files under ${root}/tess`);
  const set = FEATURE_SETS['seed000-bench'];

  for (const f of files) fs.readFileSync(f); // page cache, for both sides
  for (const f of files.slice(0, 10)) extractFileSync(f, set); // JIT warm-up, as librosa warms numba

  // TypeScript, one thread, end to end.
  let t = process.hrtime.bigint();
  const checksums: number[] = [];
  for (const f of files) {
    const v = extractFileSync(f, set).vector;
    if (!v) throw new Error(`TypeScript extraction failed on ${f}`);
    checksums.push(v.reduce((s, x) => s + x, 0));
  }
  const tsOne = seconds(t);

  // TypeScript, both cores (worker threads), end to end.
  t = process.hrtime.bigint();
  const parallel = await extractFeatures(files, set, { workers: 2, cacheDir: null, progress: false });
  const tsTwo = seconds(t);
  if (parallel.skipped.length > 0)
    throw new Error(`parallel extraction skipped ${parallel.skipped.length} files`);

  // TypeScript, one thread, features of audio already loaded (in chunks to bound memory).
  let tsFeatures = 0;
  let audioSeconds = 0;
  for (let i = 0; i < files.length; i += 200) {
    const audios = files.slice(i, i + 200).map((f) => loadAudioSync(f, { sampleRate: 22050 }));
    audioSeconds += audios.reduce((s, a) => s + a.samples.length, 0) / 22050;
    t = process.hrtime.bigint();
    for (const a of audios) extractSet(a, set);
    tsFeatures += seconds(t);
  }

  const env = {
    ...process.env,
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    NUMBA_NUM_THREADS: '1',
  };
  const py = spawnSync(
    '/usr/bin/python3',
    [path.resolve(__dirname, '..', '..', 'bench', 'reference', 'features_librosa.py')],
    {
      input: JSON.stringify(files),
      env,
      maxBuffer: 1 << 26,
    },
  );
  if (py.status !== 0)
    throw new Error(`librosa reference failed: ${py.stderr.toString().trim().split('\n').pop()}`);
  const ref = JSON.parse(py.stdout.toString()) as {
    seconds: number;
    loadSeconds: number;
    audioSeconds: number;
    checksums: number[];
  };
  const worstChecksum = Math.max(
    ...checksums.map((c, i) => Math.abs(c - ref.checksums[i]) / Math.max(1, Math.abs(ref.checksums[i]))),
  );

  const rate = (s: number) => audioSeconds / s;
  const librosaEnd = ref.audioSeconds / ref.seconds;
  const librosaFeatures = ref.audioSeconds / (ref.seconds - ref.loadSeconds);
  console.log(
    JSON.stringify({
      bench: 'features',
      what: 'seed000 + ZCR + RMS (MFCC 40, Δ, ΔΔ, chroma with tuning estimation; n_fft 512, hop 256, 128 mels, 22050 Hz), every TESS file',
      files: files.length,
      audioSeconds: round(audioSeconds, 1),
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
