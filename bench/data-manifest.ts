/**
 * Bench: build the TESS + RAVDESS manifest (decode + hash every file) with lib/data, against a one-process
 * Python reference (scipy.io.wavfile / aifc + hashlib, bench/reference/manifest_probe.py) timed in the same
 * run on the same WAV tree; the reference's content hashes are also compared with the manifest's, file by file.
 *
 *   npx tsc -p . && node dist/bench/data-manifest.js [DATA_ROOT]
 *
 * Prints one JSON object: `ratio` = manifest seconds (cold cache, default workers) / Python seconds;
 * `parallelSpeedup` = one-thread seconds / default-workers seconds; `warmRatio` = cached rebuild / cold build.
 * Timings on a shared machine vary with its load (`loadAverage` is printed with them).
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildManifest, defaultWorkerCount } from '../lib/data';
import { tempDir } from '../test/data/fixtures';

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const value = await f();
  return [value, Number(process.hrtime.bigint() - t0) / 1e9];
}

async function main(): Promise<void> {
  const projectRoot = path.resolve(__dirname, '..', '..');
  const root = process.argv[2] ?? process.env.SER_DATA_DIR ?? path.join(projectRoot, 'data');
  const corpora = ['tess', 'ravdess'];
  const workers = defaultWorkerCount();
  const loadBefore = os.loadavg()[0];
  const build = (w: number, cacheDir: string | null) =>
    buildManifest({ corpora, root, workers: w, cacheDir, progress: false });

  const cacheDir = tempDir('ser-bench-manifest-');
  const [manifest, coldSeconds] = await timed(() => build(workers, cacheDir));
  const [, warmSeconds] = await timed(() => build(workers, cacheDir));
  const [, oneThreadSeconds] = await timed(() => build(1, null));

  const py = spawnSync(
    '/usr/bin/python3',
    [
      path.join(projectRoot, 'bench', 'reference', 'manifest_probe.py'),
      ...corpora.map((c) => path.join(root, c)),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  if (py.status !== 0) throw new Error(`python reference failed: ${py.stderr}`);
  const ref = JSON.parse(py.stdout) as { seconds: number; files: number; hashes: Record<string, string> };
  const sameHash = manifest.rows.filter((r) => ref.hashes[r.path] === r.contentHash).length;

  process.stdout.write(
    JSON.stringify({
      bench: 'data-manifest',
      root,
      files: manifest.rows.length + manifest.skipped.length,
      rows: manifest.rows.length,
      skipped: manifest.skipped.length,
      duplicateGroups: manifest.duplicates.length,
      workers,
      coldSeconds: +coldSeconds.toFixed(3),
      oneThreadSeconds: +oneThreadSeconds.toFixed(3),
      warmSeconds: +warmSeconds.toFixed(3),
      pythonSeconds: +ref.seconds.toFixed(3),
      ratio: +(coldSeconds / ref.seconds).toFixed(3),
      parallelSpeedup: +(oneThreadSeconds / coldSeconds).toFixed(2),
      warmRatio: +(warmSeconds / coldSeconds).toFixed(4),
      contentHashesMatchingPython: `${sameHash}/${ref.files}`,
      loadAverage: [+loadBefore.toFixed(2), +os.loadavg()[0].toFixed(2)],
      cores: os.cpus().length,
    }) + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
