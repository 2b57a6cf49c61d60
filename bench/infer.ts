/**
 * Inference bench (issue 11): streaming real-time factor and per-hop latency of `seed000` and `best`, the
 * accuracy a stream loses to the running per-stream normaliser, and batch `ser predict` throughput. Models are
 * trained into bench/out/infer-models (gitignored): seed000 on a small budget (speed does not depend on how
 * well it learned), best (RBF SVM on stats-plus) on TESS, speaker YAF → OAF, per-speaker and global.
 *
 * The recording: 120 TESS clips of the test speaker (OAF) at TESS's rate (24414 Hz; `--rate 16000` for a
 * microphone's), joined with 0.5–1 s pauses (about 5 minutes), pushed 1 s at a time; the stream resamples to
 * the models' 22050 Hz as it would live.
 * Real-time factor = process CPU seconds / audio seconds (one thread: the stream runs on the main thread);
 * latency = wall time of each 1 s push (one window, plus a segment when an utterance ends). The reference,
 * `unshared`, is the same stream extracting every window and segment whole (`shareFrames: false`: each frame
 * computed about three times) in this run; the events are the same. The machine is shared (2 cores, other
 * jobs): CPU times are inflated, ratios within this run are comparable.
 *
 *   node scripts/build.js && node dist/bench/infer.js [--quick] [--rate HZ]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAudioSync } from '../lib/audio/load';
import { writeWavSync } from '../lib/audio/encode';
import {
  concatenateClips,
  EmotionStream,
  loadInferenceModel,
  predictClips,
  scoreStream,
  type InferenceModel,
  type StreamEvent,
  type StreamOptions,
} from '../lib/infer';
import { trainModel } from '../lib/train/train-model';
import type { ZooModelName } from '../lib/models/zoo';
import type { Normalisation } from '../lib/train/dataset';
import { resolveDataRoot } from '../lib/data/root';
import { seededSample } from '../lib/data/subset';
import { loadTessLayout } from '../lib/data/tess';

const quick = process.argv.includes('--quick');
const projectRoot = path.resolve(__dirname, '..', '..');
const outDir = path.join(projectRoot, 'bench', 'out', 'infer-models');
const root = resolveDataRoot();
const rateArg = process.argv.indexOf('--rate');
/** Rate of the pushed samples: TESS's own 24414 Hz by default; --rate 16000 for a microphone's. */
const INPUT_RATE = rateArg > 0 ? Number(process.argv[rateArg + 1]) : 24414;

async function model(
  name: ZooModelName,
  normalisation: Normalisation,
  limitPerClass?: number,
): Promise<string> {
  const dir = path.join(outDir, `${name}-${normalisation}${limitPerClass ? `-${limitPerClass}` : ''}`);
  if (!fs.existsSync(path.join(dir, 'ser.json')))
    await trainModel({
      model: name,
      corpora: ['tess'],
      root,
      split: 'speaker',
      fold: 0,
      normalisation,
      limitPerClass,
      training: name === 'best' ? undefined : { epochs: 2 },
      progress: false,
      out: dir,
    });
  return dir;
}

function testClips(n: number): { path: string; label: string }[] {
  const oaf = loadTessLayout(root).records.filter((r) => r.speaker === 'OAF');
  return seededSample(oaf, n, 7).map((r) => ({ path: r.path, label: r.emotion }));
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Stream `samples` 1 s at a time; CPU and per-push wall times. */
function runStream(m: InferenceModel, samples: Float32Array, options: StreamOptions = {}) {
  const stream = new EmotionStream(m, INPUT_RATE, options);
  const events: StreamEvent[] = [];
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  for (let at = 0; at < samples.length; at += INPUT_RATE) {
    const t = process.hrtime.bigint();
    events.push(...stream.push(samples.subarray(at, at + INPUT_RATE)));
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  events.push(...stream.end());
  const cpu = process.cpuUsage(cpu0);
  const seconds = samples.length / INPUT_RATE;
  return {
    events,
    audioSeconds: r4(seconds),
    cpuSeconds: r4((cpu.user + cpu.system) / 1e6),
    realTimeFactorCpu: r4((cpu.user + cpu.system) / 1e6 / seconds),
    realTimeFactorWall: r4(Number(process.hrtime.bigint() - wall0) / 1e9 / seconds),
    latencyMs: {
      p50: r4(quantile(latencies, 0.5)),
      p99: r4(quantile(latencies, 0.99)),
      max: r4(Math.max(...latencies)),
    },
  };
}

async function main(): Promise<void> {
  const n = quick ? 40 : 120;
  const picked = testClips(n);
  const clips = picked.map((c) => ({
    audio: loadAudioSync(c.path, { sampleRate: INPUT_RATE }),
    label: c.label,
  }));
  const { audio, truth } = concatenateClips(clips, { minGap: 0.5, maxGap: 1.0, seed: 1 });
  const files = picked.map((c) => ({ name: c.path, path: c.path }));
  const report: Record<string, unknown> = {
    machine: `${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (shared)`,
    recording: {
      clips: n,
      seconds: r4(audio.samples.length / INPUT_RATE),
      inputRate: INPUT_RATE,
      hop: 1,
      window: 3,
    },
  };
  const streaming: Record<string, unknown> = {};
  for (const [name, norm, limit] of [
    ['seed000', 'global', 5],
    ['best', 'per-speaker', undefined],
    ['best', 'global', undefined],
  ] as const) {
    const dir = await model(name, norm, limit);
    const m = await loadInferenceModel(dir);
    try {
      runStream(m, audio.samples.subarray(0, 5 * INPUT_RATE)); // warm-up (JIT, tfjs kernels)
      runStream(m, audio.samples.subarray(0, 5 * INPUT_RATE), { shareFrames: false });
      const run = runStream(m, audio.samples);
      const { events: unsharedEvents, ...unshared } = runStream(m, audio.samples, { shareFrames: false });
      const score = scoreStream(run.events, truth);
      const clip = predictClips(m, files);
      const clipAccuracy = clip.filter((r, i) => r.label === picked[i].label).length / n;
      const { events: _events, ...timing } = run;
      const entry: Record<string, unknown> = {
        ...timing,
        meetsTarget: timing.realTimeFactorCpu <= 0.01,
        unshared: {
          realTimeFactorCpu: unshared.realTimeFactorCpu,
          latencyMs: unshared.latencyMs,
          sameEvents: JSON.stringify(unsharedEvents) === JSON.stringify(run.events),
        },
        speedupCpu: r4(unshared.realTimeFactorCpu / timing.realTimeFactorCpu),
        segmentAccuracy: r4(score.segmentAccuracy),
        windowAccuracy: r4(score.windowAccuracy),
        clipAccuracy: r4(clipAccuracy),
        clipNormalisation:
          norm === 'per-speaker' ? `all ${n} clips of the speaker at once` : 'stored (training)',
      };
      if (norm === 'per-speaker') {
        // The running normaliser against the stream's own final statistics, and without a prior (held back).
        const noPrior = { ...m, prior: undefined, classify: m.classify.bind(m) };
        const held = scoreStream(runStream(noPrior, audio.samples).events, truth);
        entry.segmentAccuracyWithoutPrior = r4(held.segmentAccuracy);
      }
      streaming[`${name} (${norm})`] = entry;
    } finally {
      m.dispose();
    }
  }
  report.streaming = streaming;

  // Batch prediction: in-process (model loaded once) and the CLI end to end.
  const batchDir = await model('best', 'global');
  const m = await loadInferenceModel(batchDir);
  const many = testClips(quick ? 100 : 400).map((c) => ({ name: c.path, path: c.path }));
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  predictClips(m, many);
  const cpu = process.cpuUsage(cpu0);
  m.dispose();
  const t1 = Date.now();
  const cli = spawnSync(
    process.execPath,
    [
      path.join(projectRoot, 'bin', 'ser.js'),
      'predict',
      '--model',
      batchDir,
      ...many.map((f) => f.path),
      '--format',
      'jsonl',
    ],
    { encoding: 'utf8', env: { ...process.env, SER_PROGRESS: '0' }, maxBuffer: 1 << 28 },
  );
  const cliSeconds = (Date.now() - t1) / 1000;
  report.batchPredict = {
    model: 'best (global)',
    files: many.length,
    inProcessFilesPerCpuSecond: r4(many.length / ((cpu.user + cpu.system) / 1e6)),
    inProcessFilesPerSecondWall: r4(many.length / ((t1 - t0) / 1000)),
    cliFilesPerSecondWall: cli.status === 0 ? r4(many.length / cliSeconds) : `failed: ${cli.stderr.trim()}`,
  };
  const wav = path.join(os.tmpdir(), `ser-bench-infer-${process.pid}.wav`);
  writeWavSync(wav, [audio.samples], INPUT_RATE);
  const t2 = Date.now();
  const s = spawnSync(
    process.execPath,
    [path.join(projectRoot, 'bin', 'ser.js'), 'stream', '--model', batchDir, wav],
    {
      encoding: 'utf8',
      env: { ...process.env, SER_PROGRESS: '0' },
      maxBuffer: 1 << 28,
    },
  );
  fs.rmSync(wav, { force: true });
  report.cliStream = {
    model: 'best (global)',
    seconds: r4((Date.now() - t2) / 1000),
    realTimeFactorWallIncludingStartup: r4((Date.now() - t2) / 1000 / (audio.samples.length / INPUT_RATE)),
    ok: s.status === 0,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
