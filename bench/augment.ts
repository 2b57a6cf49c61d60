/**
 * Bench: throughput of each augmentation (audio-seconds per wall-clock second, one thread) on real TESS and
 * RAVDESS clips, beside a numpy/scipy implementation of the same algorithms run on the same clips in the same
 * run (bench/reference/augment_numpy.py, Debian's /usr/bin/python3; its numpy may use more threads).
 *
 *   npx tsc -p . && node dist/bench/augment.js [DATA_ROOT] [--clips N] [--repeats R] [--rounds K]
 *     [--only pitchShift,timeStretch]
 *
 * Each transform's time is the sum over clips of each clip's fastest of --repeats runs (default 3), in
 * wall-clock and in process CPU time (`ratio`, `cpuRatio`: under load the two sides lose unequal shares of
 * the wall-clock; CPU time does not count the time others held the core); rounds
 * (--rounds, default 2) alternate TypeScript and numpy per transform and each side keeps its best round. Ratios are TypeScript / numpy (above 1: TypeScript is faster). Prints one JSON object.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAudioSync } from '../lib/audio/load';
import { dspRuntime } from '../lib/engine/dsp';
import { gain, invertPolarity, timeShift } from '../lib/augment/basic';
import { addColorNoise } from '../lib/augment/noise';
import { simulateRoom } from '../lib/augment/room';
import { mixup, specAugment } from '../lib/augment/spec';
import { pitchShift, rationalApproximation, speedPerturb, timeStretch } from '../lib/augment/stretch';
import { spectrogram } from '../lib/dsp/spectrum';
import { Rng } from '../lib/util/rng';

const PARAMS = { semitones: 2, stretchRate: 1.25, speed: 0.9, rt60: 0.5 };

function pickClips(root: string, count: number): string[] {
  const out: string[] = [];
  for (const corpus of ['tess', 'ravdess']) {
    const dirs = fs.readdirSync(path.join(root, corpus)).sort();
    for (let i = 0; out.length < (corpus === 'tess' ? count / 2 : count); i++) {
      const dir = path.join(root, corpus, dirs[(i * 7) % dirs.length]);
      const wavs = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.wav'))
        .sort();
      out.push(path.join(dir, wavs[(i * 13) % wavs.length]));
    }
  }
  return out;
}

/** Seconds of wall-clock and of this process's CPU time. */
interface Timing {
  wall: number;
  cpu: number;
}

/**
 * Sum over clips of each clip's fastest of `repeats` runs, in wall-clock and in CPU seconds (each its own
 * fastest): robust to other processes' load spikes; CPU time also leaves out the time others held the core.
 */
function perClipBest(count: number, repeats: number, run: (i: number) => void): Timing {
  const total = { wall: 0, cpu: 0 };
  for (let i = 0; i < count; i++) {
    let wall = Infinity;
    let cpu = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t = process.hrtime.bigint();
      const c = process.cpuUsage();
      run(i);
      const used = process.cpuUsage(c);
      wall = Math.min(wall, Number(process.hrtime.bigint() - t) / 1e9);
      cpu = Math.min(cpu, (used.user + used.system) / 1e6);
    }
    total.wall += wall;
    total.cpu += cpu;
  }
  return total;
}

/** Throughputs (per second of wall-clock and of CPU) for `seconds` of audio processed in time `t`. */
const throughput = (seconds: number, t: Timing): Timing => ({ wall: seconds / t.wall, cpu: seconds / t.cpu });

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number): number => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
  };
  const clipCount = option('--clips', 16);
  const repeats = option('--repeats', 3);
  const rounds = option('--rounds', 2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args.splice(onlyAt, 2)[1].split(',') : undefined;
  const loadBefore = os.loadavg();
  const root = args[0] ?? process.env.SER_DATA_DIR ?? path.resolve(__dirname, '..', '..', 'data');
  const files = pickClips(root, clipCount);
  const clips = files.map((f) => loadAudioSync(f, { sampleRate: null }));
  const audioSeconds = clips.reduce((s, c) => s + c.samples.length / c.sampleRate, 0);
  const pitch = rationalApproximation(2 ** (PARAMS.semitones / 12));
  const speed = rationalApproximation(PARAMS.speed);
  const rng = new Rng(0);
  const matrices = clips.map((c) => {
    const s = spectrogram(c.samples);
    const rows = 128;
    const data = new Float32Array(rows * s.frames);
    for (let t = 0; t < s.frames; t++)
      for (let r = 0; r < rows; r++) data[r * s.frames + t] = s.data[t * s.bins + r];
    return { rows, cols: s.frames, data };
  });
  const batchLength = Math.min(...clips.map((c) => c.samples.length));
  const batch = {
    inputs: clips.map((c) => c.samples.slice(0, batchLength)),
    labels: clips.map((_, i) => Float32Array.from({ length: 7 }, (_, k) => (k === i % 7 ? 1 : 0))),
  };
  const transforms: Record<string, (y: Float32Array, sr: number, i: number) => unknown> = {
    pitchShift: (y) => pitchShift(y, PARAMS.semitones),
    timeStretch: (y) => timeStretch(y, PARAMS.stretchRate),
    speed: (y) => speedPerturb(y, PARAMS.speed),
    whiteNoise: (y) => addColorNoise(y, { snrDb: 10, color: 'white' }, rng),
    pinkNoise: (y) => addColorNoise(y, { snrDb: 10, color: 'pink' }, rng),
    brownNoise: (y) => addColorNoise(y, { snrDb: 10, color: 'brown' }, rng),
    room: (y, sr) => simulateRoom(y, sr, { rt60: PARAMS.rt60 }, rng),
    shift: (y) => timeShift(y, Math.floor(y.length / 3)),
    gain: (y) => gain(y, -6),
    polarity: (y) => invertPolarity(y),
    specAugment: (_y, _sr, i) => specAugment(matrices[i], {}, rng),
  };
  // Warm-up (JIT, filter banks), as the reference's first pass warms numpy's caches.
  for (const fn of Object.values(transforms))
    clips.slice(0, 2).forEach((c, i) => fn(c.samples, c.sampleRate, i));
  // mixup runs once per "clip" on the whole batch, as the reference times it.
  const measureTypescript = (name: string): Timing =>
    name === 'mixup'
      ? throughput(
          (clips.length * clips.length * batchLength) / clips[0].sampleRate,
          perClipBest(clips.length, repeats, () => mixup(batch, rng)),
        )
      : throughput(
          audioSeconds,
          perClipBest(clips.length, repeats, (i) =>
            transforms[name](clips[i].samples, clips[i].sampleRate, i),
          ),
        );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-bench-augment-'));
  const script = path.resolve(__dirname, '..', '..', 'bench', 'reference', 'augment_numpy.py');
  const params = {
    pitchP: pitch.p,
    pitchQ: pitch.q,
    stretchRate: PARAMS.stretchRate,
    speedP: speed.p,
    speedQ: speed.q,
    rt60: PARAMS.rt60,
  };
  const measureNumpy = (names: string[]): Record<string, Timing> => {
    const job = path.join(dir, 'job.json');
    fs.writeFileSync(job, JSON.stringify({ clips: files, repeats, only: names, params }));
    const r = spawnSync('/usr/bin/python3', [script, job], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`reference failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, Timing>;
  };
  // Rounds alternate TypeScript and numpy per transform, and each side keeps its best round, so a burst of
  // load from other processes does not land on one side only.
  const typescript: Record<string, Timing> = {};
  const reference: Record<string, Timing> = {};
  const best = (a: Timing | undefined, b: Timing): Timing =>
    a ? { wall: Math.max(a.wall, b.wall), cpu: Math.max(a.cpu, b.cpu) } : b;
  try {
    for (let round = 0; round < rounds; round++)
      for (const name of [...Object.keys(transforms), 'mixup'].filter((n) => !only || only.includes(n))) {
        typescript[name] = best(typescript[name], measureTypescript(name));
        reference[name] = best(reference[name], measureNumpy([name])[name]);
      }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const round = (x: number) => Number(x.toPrecision(4));
  const loadAfter = os.loadavg();
  const perTransform = Object.fromEntries(
    Object.keys(typescript).map((k) => [
      k,
      {
        typescript: round(typescript[k].wall),
        numpy: round(reference[k].wall),
        ratio: round(typescript[k].wall / reference[k].wall),
        cpuRatio: round(typescript[k].cpu / reference[k].cpu),
      },
    ]),
  );
  process.stdout.write(
    JSON.stringify({
      bench: 'augment',
      unit: 'audio-seconds per wall-clock second (one thread); cpuRatio: the same per CPU second',
      clips: files.length,
      repeats,
      rounds,
      audioSeconds: round(audioSeconds),
      params: { ...PARAMS, pitchRatio: `${pitch.p}/${pitch.q}`, speedRatio: `${speed.p}/${speed.q}` },
      dsp: dspRuntime() ? 'wasm-simd' : 'typescript',
      loadavg: { cores: os.cpus().length, before: loadBefore.map(round), after: loadAfter.map(round) },
      issue8: Object.fromEntries(
        ['pitchShift', 'timeStretch']
          .filter((k) => k in typescript)
          .map((k) => [
            k,
            {
              ratio: round(typescript[k].wall / reference[k].wall),
              cpuRatio: round(typescript[k].cpu / reference[k].cpu),
              atLeast1x: typescript[k].wall >= reference[k].wall && typescript[k].cpu >= reference[k].cpu,
            },
          ]),
      ),
      transforms: perTransform,
    }) + '\n',
  );
}

main();
