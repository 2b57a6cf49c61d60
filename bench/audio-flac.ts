/**
 * Bench: decode every FLAC file of the shared corpora with lib/audio, against the reference C decoder
 * (`flac -t`, libFLAC 1.4, which also checks each file's MD5) timed in the same run on the same files.
 * Each decoded file is also compared sample for sample with its materialized WAV in DATA_ROOT.
 *
 *   npx tsc -p . && node dist/bench/audio-flac.js [SHARED_DATASETS] [DATA_ROOT]
 *
 * Prints one JSON object; `ratio` = TypeScript seconds / libFLAC seconds.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeAudio } from '../lib/audio';
import { listFiles } from '../lib/util/files';

function sameChannels(a: Float32Array[], b: Float32Array[]): boolean {
  return (
    a.length === b.length && a.every((c, k) => c.length === b[k].length && c.every((v, i) => v === b[k][i]))
  );
}

function main(): void {
  const projectRoot = path.resolve(__dirname, '..', '..');
  const shared =
    process.argv[2] ??
    process.env.SER_SHARED_DATASETS ??
    path.resolve(projectRoot, '..', 'shared', 'datasets');
  const dataRoot = process.argv[3] ?? process.env.SER_DATA_DIR ?? path.join(projectRoot, 'data');
  const files = listFiles(shared, /\.flac$/);
  if (files.length === 0) throw new Error(`no .flac files under ${shared}`);
  const contents = files.map((f) => fs.readFileSync(f)); // timed runs below start from memory / page cache

  const t0 = process.hrtime.bigint();
  const decoded = contents.map((bytes, i) => decodeAudio(bytes, files[i]));
  const tsSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const audioSeconds = decoded.reduce((sum, d) => sum + d.channels[0].length / d.sampleRate, 0);

  const t1 = process.hrtime.bigint();
  // One process per 500 files keeps argument lists short; the start-up cost is negligible next to decoding.
  for (let i = 0; i < files.length; i += 500) {
    const run = spawnSync('flac', ['-t', '-s', ...files.slice(i, i + 500)], { encoding: 'utf8' });
    if (run.error || run.status !== 0) throw new Error(`flac -t failed: ${run.error?.message ?? run.stderr}`);
  }
  const refSeconds = Number(process.hrtime.bigint() - t1) / 1e9;

  const mismatched: string[] = [];
  let compared = 0;
  files.forEach((f, i) => {
    const wav = path.join(dataRoot, path.relative(shared, f).replace(/\.flac$/, '.wav'));
    if (!fs.existsSync(wav)) return;
    compared++;
    if (!sameChannels(decoded[i].channels, decodeAudio(fs.readFileSync(wav), wav).channels))
      mismatched.push(path.relative(shared, f));
  });

  console.log(
    JSON.stringify({
      bench: 'audio-flac',
      what: 'decode every FLAC file of the shared corpora (in memory)',
      files: files.length,
      audioSeconds: Number(audioSeconds.toFixed(1)),
      typescript: {
        seconds: Number(tsSeconds.toFixed(3)),
        realtimeFactor: Math.round(audioSeconds / tsSeconds),
      },
      reference: {
        impl: 'flac -t (libFLAC, C, includes MD5 check and file reads)',
        seconds: Number(refSeconds.toFixed(3)),
      },
      ratio: Number((tsSeconds / refSeconds).toFixed(3)),
      comparedWithWav: compared,
      identicalToWav: compared - mismatched.length,
      mismatched: mismatched.slice(0, 10),
    }),
  );
}

main();
