/**
 * Bench: extract a feature set (default `seed000`) for every TESS and RAVDESS file with an empty cache
 * (cold) and again with the cache filled (warm), on worker threads (default: one per core).
 * The targets: cold under 60 s, warm under 5 s.
 *
 *   npx tsc -p . && node dist/bench/features-cache.js [DATA_ROOT] [--set NAME] [--workers N]
 *
 * The cache lives in a fresh temporary folder, removed afterwards. Prints one JSON object.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractFeatures } from '../lib/features';
import { listFiles } from '../lib/util/files';

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const set = option(args, '--set') ?? 'seed000';
  const workersArg = option(args, '--workers');
  const workers = workersArg === undefined ? undefined : Number(workersArg);
  const root = args[0] ?? process.env.SER_DATA_DIR ?? path.resolve(__dirname, '..', '..', 'data');
  const files = [
    ...listFiles(path.join(root, 'tess'), /\.wav$/),
    ...listFiles(path.join(root, 'ravdess'), /\.wav$/),
  ];
  if (files.length === 0) throw new Error(`no .wav files under ${root}/tess or ${root}/ravdess`);
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-bench-cache-'));
  try {
    for (const f of files) fs.readFileSync(f); // page cache: time the work, not the disk
    const cold = await extractFeatures(files, set, { cacheDir, workers, progress: false });
    const warm = await extractFeatures(files, set, { cacheDir, workers, progress: false });
    console.log(
      JSON.stringify({
        bench: 'features-cache',
        set,
        files: files.length,
        workers: workers ?? 'one per core',
        cores: os.availableParallelism(),
        loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
        cold: { seconds: cold.seconds, skipped: cold.skipped.length, targetSeconds: 60 },
        warm: { seconds: warm.seconds, cacheHits: warm.cacheHits, targetSeconds: 5 },
      }),
    );
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
