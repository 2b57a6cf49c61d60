/**
 * Bench: load every TESS and RAVDESS file as mono 22050 Hz float32 (lib/audio loadAudioSync) and the
 * same with the Python reference pipeline (scipy.io.wavfile/aifc + np.mean + scipy.signal.resample_poly,
 * i.e. librosa.load(res_type='polyphase') without librosa), timed in the same run. Each output is hashed
 * (SHA-256 of its float32 bytes) on both sides, so the bench also counts files that are not bit-identical.
 *
 *   npx tsc -p . && node dist/bench/audio-load.js [DATA_ROOT] [--limit N]
 *
 * Prints one JSON object; `ratio` = TypeScript seconds / Python seconds (below 1: TypeScript is faster).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAudioSync } from '../lib/audio';
import { listFiles } from '../lib/util/files';

const PYTHON_REFERENCE = String.raw`
import hashlib, json, math, sys, time, warnings
import numpy as np, scipy.io.wavfile, scipy.signal
with warnings.catch_warnings():
    warnings.simplefilter('ignore', DeprecationWarning)
    import aifc
TARGET = 22050
def load(path):
    with open(path, 'rb') as f:
        head = f.read(4)
    if head == b'FORM':
        with aifc.open(path, 'rb') as a:
            ch, rate = a.getnchannels(), a.getframerate()
            data = np.frombuffer(a.readframes(a.getnframes()), dtype='>i2').reshape(-1, ch)
    else:
        rate, data = scipy.io.wavfile.read(path)
        data = data.reshape(len(data), -1)
    y = data.astype(np.float32) / np.float32(32768) if data.dtype.kind == 'i' else data.astype(np.float32)
    y = y.T
    y = np.mean(y, axis=0) if y.shape[0] > 1 else y[0]
    if rate != TARGET:
        g = math.gcd(rate, TARGET)
        y = np.asarray(scipy.signal.resample_poly(y, TARGET // g, rate // g), dtype=np.float32)
    return y
paths = json.load(sys.stdin)
t0 = time.perf_counter()
outs = [load(p) for p in paths]
seconds = time.perf_counter() - t0
hashes = [hashlib.sha256(np.ascontiguousarray(o, dtype='<f4').tobytes()).hexdigest() for o in outs]
json.dump({'seconds': seconds, 'hashes': hashes}, sys.stdout)
`;

function main(): void {
  const args = process.argv.slice(2);
  const limitAt = args.indexOf('--limit');
  const limit = limitAt >= 0 ? Number(args.splice(limitAt, 2)[1]) : Infinity;
  const root = args[0] ?? process.env.SER_DATA_DIR ?? path.resolve(__dirname, '..', '..', 'data');
  const files = [
    ...listFiles(path.join(root, 'tess'), /\.wav$/),
    ...listFiles(path.join(root, 'ravdess'), /\.wav$/),
  ].slice(0, limit);
  if (files.length === 0) throw new Error(`no .wav files under ${root}/tess or ${root}/ravdess`);

  // Read once first so both sides time decoding from the page cache, not the disk.
  for (const f of files) fs.readFileSync(f);

  const t0 = process.hrtime.bigint();
  const outputs = files.map((f) => loadAudioSync(f, { sampleRate: 22050 }).samples);
  const tsSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const audioSeconds = outputs.reduce((sum, o) => sum + o.length, 0) / 22050;
  const tsHashes = outputs.map((o) =>
    createHash('sha256')
      .update(new Uint8Array(o.buffer, o.byteOffset, o.byteLength))
      .digest('hex'),
  );

  const py = spawnSync('/usr/bin/python3', ['-c', PYTHON_REFERENCE], {
    input: JSON.stringify(files),
    maxBuffer: 1 << 28,
  });
  if (py.status !== 0)
    throw new Error(`python reference failed: ${py.stderr.toString().trim().split('\n').pop()}`);
  const reference = JSON.parse(py.stdout.toString()) as { seconds: number; hashes: string[] };
  const mismatched = files
    .filter((_, i) => tsHashes[i] !== reference.hashes[i])
    .map((f) => path.relative(root, f));

  console.log(
    JSON.stringify({
      bench: 'audio-load',
      what: 'decode + mono + resample to 22050 Hz, every file of the corpora',
      files: files.length,
      audioSeconds: Number(audioSeconds.toFixed(1)),
      typescript: {
        seconds: Number(tsSeconds.toFixed(3)),
        realtimeFactor: Math.round(audioSeconds / tsSeconds),
      },
      reference: {
        impl: 'python scipy.resample_poly pipeline',
        seconds: Number(reference.seconds.toFixed(3)),
      },
      ratio: Number((tsSeconds / reference.seconds).toFixed(3)),
      bitIdentical: files.length - mismatched.length,
      mismatched: mismatched.slice(0, 10),
    }),
  );
}

main();
