/**
 * The browser demo against Node, in headless Chromium: a small model trained here on real TESS clips is
 * served by the demo server; 50 clips uploaded to the page get the same labels and scores as `ser predict`,
 * a fake microphone playing one clip gives predictions through the microphone path that agree with Node,
 * a float16 export (ser export) loads and scores as in Node, and so does the zoo's best (an RBF SVM stored as
 * JSON) with per-speaker normalisation; and every model of the registry, saved and loaded in the page, gives
 * Node's probabilities.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { decodeAudio } from '../../lib/audio/decode';
import { encodeWav } from '../../lib/audio/encode';
import type { DemoState } from '../../lib/browser/demo';
import { argmax } from '../../lib/metrics/summary';
import { predictFiles, type Prediction } from '../../lib/infer/predict';
import { loadInferenceModel } from '../../lib/infer/load-model';
import { EmotionStream } from '../../lib/infer/stream';
import { startDemoServer, type DemoServer } from '../../lib/infer/serve';
import { launchChromium } from '../../lib/report/browser-check';
import { listFiles } from '../../lib/util/files';
import { zooModelNames } from '../../lib/models/zoo';
import { runSer, trainOnTess } from '../helpers/cli';
import { realDataRoot } from '../helpers/data';
import { trainSmallRegistryModel } from '../helpers/models';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-browser-'));
const modelDir = path.join(tmp, 'model');
let clips: string[] = [];
let node: Prediction[] = [];
let micClip = '';
let server: DemoServer;
let browser: Browser;

declare const serDemo: DemoState;

async function openDemo(query = '', url = server.url): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url + query);
  await page.waitForFunction(() => serDemo.ready || serDemo.error !== null, null, { timeout: 30_000 });
  const state = await page.evaluate(() => ({ error: serDemo.error, backend: serDemo.backend }));
  assert.equal(state.error, null, `page failed to start: ${state.error}`);
  assert.deepEqual(errors, []);
  return page;
}

/** Upload `files` to the page and wait until every upload so far has scores. */
async function upload(page: Page, files: string[]): Promise<DemoState['results']> {
  const before = await page.evaluate(() => serDemo.results.length);
  await page.setInputFiles('#files', files);
  await page.waitForFunction(
    (n) => serDemo.pending === 0 && serDemo.results.length === n && serDemo.results.every((r) => r.scores),
    before + files.length,
    { timeout: 60_000 },
  );
  return page.evaluate(() => serDemo.results);
}

before(async () => {
  const root = realDataRoot('tess');
  // best-mlp: the zoo's neural model on stats-plus features (global normalisation), small enough to train here.
  trainOnTess(
    'best-mlp',
    modelDir,
    ['--split', 'speaker', '--fold', '2', '--limit-per-class', '8', '--epochs', '30'],
    120_000,
  );
  // 50 clips spread evenly over both speakers and all emotions.
  const all = listFiles(path.join(root, 'tess'), /\.wav$/i).sort();
  clips = Array.from({ length: 50 }, (_, i) => all[Math.floor((i * all.length) / 50)]);
  node = await predictFiles(modelDir, clips);
  // The microphone plays the least saturated clip Node still labels clearly (top score ≥ 0.9): its scores can
  // move with the capture path, but its label should not.
  const confidence = node.map((p) => Math.max(...Object.values(p.scores!)));
  const clear = confidence.map((c, i) => [c, i]).filter(([c]) => c >= 0.9);
  assert.ok(clear.length > 0, 'no clip with a top score of 0.9: the model did not train');
  micClip = clips[clear.sort((a, b) => a[0] - b[0])[0][1]];
  server = await startDemoServer({ modelDir, port: 0 });
  browser = await launchChromium(path.join(tmp, 'home'), [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${micClip}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
});

after(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('50 uploaded TESS clips: the page gives the labels and scores of ser predict (within 1e-3)', async (t) => {
  const page = await openDemo();
  const results = await upload(page, clips);
  const labels = await page.evaluate(() => serDemo.labels);
  let maxDiff = 0;
  results.forEach((r, i) => {
    assert.equal(r.name, path.basename(clips[i]));
    assert.equal(r.label, node[i].label, `${r.name}: page ${r.label}, node ${node[i].label}`);
    labels.forEach((l, k) => (maxDiff = Math.max(maxDiff, Math.abs(r.scores![k] - node[i].scores![l]))));
  });
  t.diagnostic(`50 clips: labels equal, largest score difference ${maxDiff.toExponential(2)}`);
  assert.ok(maxDiff < 1e-3, `largest score difference ${maxDiff}`);
  await page.close();
});

test('fake microphone playing a clip: the stream in the page is ser stream on the captured audio, and agrees with the file', async (t) => {
  const decoded = decodeAudio(fs.readFileSync(micClip), micClip);
  const seconds = decoded.channels[0].length / decoded.sampleRate;
  // One window per loop of the file, unsmoothed: every window holds the whole utterance (rotated: the capture
  // loops the file), and each window's scores are its own.
  const options = { windowSeconds: Number(seconds.toFixed(4)), hopSeconds: 0.5, smoothing: 1 };
  const page = await openDemo(`?window=${options.windowSeconds}&hop=0.5&smoothing=1`);
  await page.click('#mic-toggle');
  await page.waitForFunction(
    () => serDemo.mic.filter((m) => m.type === 'window' && m.scores).length >= 6,
    null,
    {
      timeout: 45_000,
    },
  );
  await page.click('#mic-toggle');
  const { mic, rate, samples } = await page.evaluate(() => ({
    mic: serDemo.mic.slice(),
    rate: serDemo.micSampleRate!,
    samples: serDemo.micCapture.flatMap((c) => Array.from(c)),
  }));
  await page.close();
  const windows = mic.filter((m) => m.type === 'window' && m.scores);

  // 1. The page streams as lib/infer does in Node: the same EmotionStream over the captured samples gives the
  // same windows, labels and scores.
  const model = await loadInferenceModel(modelDir);
  const labels = model.labels;
  try {
    const events = new EmotionStream(model, rate, options).push(Float32Array.from(samples));
    let diff = 0;
    for (const w of windows) {
      const e = events.find((x) => x.type === 'window' && x.start === w.start && x.end === w.end);
      assert.ok(e?.scores, `window ${w.start}–${w.end} s: none in Node's stream`);
      assert.equal(w.label, e.label);
      labels.forEach((l, k) => (diff = Math.max(diff, Math.abs(w.scores![k] - e.scores![l]))));
    }
    t.diagnostic(
      `${windows.length} mic windows vs Node's stream on the captured samples: largest score difference ${diff.toExponential(2)}`,
    );
    assert.ok(diff < 1e-3, `mic windows: page and Node differ by ${diff}`);
  } finally {
    model.dispose();
  }

  // 2. Against `ser predict` on the file: the capture resamples (Chromium to the device rate, then lib/audio to
  // the model's) and a window cannot start where the file does, so scores move; the label must not.
  const file = node[clips.indexOf(micClip)];
  const agree = windows.filter((m) => m.label === file.label).length;
  const mean = labels.map((_, k) => windows.reduce((s, m) => s + m.scores![k], 0) / windows.length);
  const meanDiff = Math.max(...labels.map((l, k) => Math.abs(mean[k] - file.scores![l])));
  const windowDiff = Math.max(
    ...windows.flatMap((m) => labels.map((l, k) => Math.abs(m.scores![k] - file.scores![l]))),
  );
  t.diagnostic(
    `mic vs ser predict on the file: ${agree}/${windows.length} windows labelled ${file.label}, ` +
      `mean scores within ${meanDiff.toFixed(3)}, single windows within ${windowDiff.toFixed(3)}`,
  );
  assert.ok(agree / windows.length >= 0.8, `${agree}/${windows.length} windows labelled ${file.label}`);
  assert.equal(labels[argmax(mean)], file.label);
  assert.ok(meanDiff < 0.15, `mean window scores differ from the file's by ${meanDiff}`);
});

test('a float16 export (ser export) loads in the page and scores as Node scores it', async () => {
  const f16 = path.join(tmp, 'float16');
  const e = runSer(['export', '--model-dir', modelDir, '--quantize', 'float16', '--out', f16]);
  assert.equal(e.code, 0, e.stderr);
  const subset = clips.filter((_, i) => i % 5 === 0);
  const expected = await predictFiles(f16, subset);
  const f16Server = await startDemoServer({ modelDir: f16, port: 0 });
  try {
    const page = await openDemo('', f16Server.url);
    assert.match((await page.textContent('#model')) ?? '', /float16 weights/);
    const results = await upload(page, subset);
    results.forEach((r, i) => {
      assert.equal(r.label, expected[i].label);
      Object.keys(expected[i].scores!).forEach((label, k) =>
        assert.ok(Math.abs(r.scores![k] - expected[i].scores![label]) < 1e-3, `${r.name} ${label}`),
      );
    });
    await page.close();
  } finally {
    await f16Server.close();
  }
});

test('the zoo best (RBF SVM, classic.json) with per-speaker normalisation: the page pools the uploads as ser predict does', async () => {
  const svm = path.join(tmp, 'svm');
  trainOnTess(
    'best',
    svm,
    ['--split', 'speaker', '--fold', '2', '--limit-per-class', '8', '--normalise', 'per-speaker'],
    120_000,
  );
  const speaker = clips.filter((c) => path.basename(c).startsWith('YAF_')).slice(0, 12);
  const expected = await predictFiles(svm, speaker);
  const svmServer = await startDemoServer({ modelDir: svm, port: 0 });
  try {
    const page = await openDemo('', svmServer.url);
    // Fewer clips than a speaker's statistics need: no scores yet, and the page says why.
    await page.setInputFiles('#files', speaker.slice(0, 3));
    await page.waitForFunction(() => serDemo.pending === 0 && serDemo.results.length === 3);
    assert.ok((await page.evaluate(() => serDemo.results)).every((x) => x.scores === null));
    assert.match((await page.textContent('#results')) ?? '', /at least 10 clips of one speaker \(3 so far\)/);
    const results = await upload(page, speaker.slice(3));
    assert.equal(results.length, speaker.length);
    results.forEach((x, i) => {
      assert.equal(x.label, expected[i].label);
      Object.keys(expected[i].scores!).forEach((label, k) =>
        assert.ok(Math.abs(x.scores![k] - expected[i].scores![label]) < 1e-3, `${x.name} ${label}`),
      );
    });
    await page.close();
  } finally {
    await svmServer.close();
  }
});

test('every registry model, saved and loaded in the page, gives the probabilities of the Node pipeline', async () => {
  const root = realDataRoot('tess');
  // Six clips over both speakers and several emotions.
  const picked = Array.from({ length: 6 }, (_, i) => clips[Math.floor((i * clips.length) / 6)]);
  for (const name of zooModelNames()) {
    const dir = path.join(tmp, `registry-${name}`);
    await trainSmallRegistryModel(name, root, dir);
    const expected = await predictFiles(dir, picked);
    const modelServer = await startDemoServer({ modelDir: dir, port: 0 });
    try {
      const page = await openDemo('', modelServer.url);
      const results = await upload(page, picked);
      results.forEach((x, i) => {
        const want = Object.values(expected[i].scores!);
        const sum = x.scores!.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5, `${name} ${x.name}: page probabilities sum to ${sum}`);
        x.scores!.forEach((v, k) =>
          assert.ok(Math.abs(v - want[k]) < 1e-4, `${name} ${x.name} class ${k}: page ${v}, node ${want[k]}`),
        );
        // The same label unless the two top classes are within the tolerance (1-epoch networks are near-uniform).
        const sorted = [...want].sort((a, b) => b - a);
        if (sorted[0] - sorted[1] > 1e-4) assert.equal(x.label, expected[i].label, `${name} ${x.name}`);
      });
      await page.close();
    } finally {
      await modelServer.close();
    }
  }
});

test('uploaded digital silence and −45 dBFS white noise get no emotion in the page, only "no speech"', async () => {
  const rate = 22050;
  // Uniform noise in ±a has RMS a/√3: −45 dBFS RMS; a fixed LCG keeps it reproducible.
  const a = Math.sqrt(3) * 10 ** (-45 / 20);
  let x = 1;
  const noise = Float32Array.from({ length: 3 * rate }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return a * (2 * (x / 2 ** 32) - 1);
  });
  const silence = path.join(tmp, 'silence.wav');
  const hiss = path.join(tmp, 'noise-45dBFS.wav');
  fs.writeFileSync(silence, encodeWav([new Float32Array(3 * rate)], rate));
  fs.writeFileSync(hiss, encodeWav([noise], rate));
  const page = await openDemo();
  await page.setInputFiles('#files', [silence, hiss, clips[0]]);
  await page.waitForFunction(() => serDemo.pending === 0 && serDemo.results.length === 3, null, {
    timeout: 60_000,
  });
  const results = await page.evaluate(() => serDemo.results);
  for (const r of results.slice(0, 2)) {
    assert.equal(r.label, null, r.name);
    assert.equal(r.scores, null, r.name);
    assert.deepEqual(r.notes, ['no speech'], r.name);
  }
  assert.equal(results[2].label, node[0].label);
  assert.match((await page.textContent('#results')) ?? '', /silence\.wav → no speech/);
  await page.close();
});
