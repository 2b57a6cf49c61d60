/**
 * The browser demo (bundled by scripts/build.js into dist/browser/demo.js, served by `ser serve`): loads a
 * model directory over HTTP and shows emotion scores for uploaded files and, live, for the microphone. Files
 * are decoded, mixed, resampled and featurised by the same lib/ code as `ser predict`, and predicted by the
 * same predictor, so the page agrees with Node (checked in test/browser).
 *
 * URL parameters: `model` (model directory URL, default `model/`), `backend` (`cpu` to skip wasm), `window`
 * and `hop` (microphone window and hop, seconds).
 */
import { decodeAudio } from '../audio/decode';
import { argmax } from '../evaluate/metrics';
import { audioFeatures, MIN_CLIPS_PER_SPEAKER, signalFeatures, type TrainedModel } from '../infer/predictor';
import { oneLine } from '../util/errors';
import { levelDb, startMicrophone, type MicrophoneCapture } from './microphone';
import { fetchTrainedModel, initBrowserBackend } from './model-loader';

/** One uploaded file's outcome (scores null while a per-speaker model still needs more clips, or on error). */
export interface ClipResult {
  name: string;
  label: string | null;
  scores: number[] | null;
  error?: string;
}

/** One microphone window's prediction. */
export interface MicResult {
  /** Seconds since the microphone started, at the window's end. */
  time: number;
  label: string;
  scores: number[];
  levelDb: number;
}

/** What the page exposes as `window.serDemo`, for people in the console and for the headless tests. */
export interface DemoState {
  ready: boolean;
  error: string | null;
  backend: string | null;
  labels: string[];
  /** Uploaded files, in upload order. */
  results: ClipResult[];
  /** Files being decoded and predicted. */
  pending: number;
  mic: MicResult[];
  /** The last predicted microphone window (device rate), to compare with Node on exactly that audio. */
  lastMicWindow: { samples: number[]; sampleRate: number } | null;
  micSampleRate: number | null;
}

declare global {
  interface Window {
    serDemo: DemoState;
  }
}

/** Windows quieter than this (dBFS) are shown as silence rather than classified. */
const SILENCE_DB = -50;
/** Per-speaker models: the microphone windows kept as the speaker's running statistics. */
const SPEAKER_POOL = 120;

const params = new URLSearchParams(location.search);
const state: DemoState = {
  ready: false,
  error: null,
  backend: null,
  labels: [],
  results: [],
  pending: 0,
  mic: [],
  lastMicWindow: null,
  micSampleRate: null,
};
window.serDemo = state;

function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} missing`);
  return el as T;
}

function setStatus(text: string, isError = false): void {
  const status = element('status');
  status.textContent = text;
  status.className = isError ? 'error' : '';
}

/** Horizontal bars, one per label, widest for the top class. */
function renderBars(container: HTMLElement, labels: string[], scores: number[] | null, note?: string): void {
  container.replaceChildren();
  if (!scores) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = note ?? '';
    container.append(p);
    return;
  }
  const top = argmax(scores);
  labels.forEach((label, i) => {
    const row = document.createElement('div');
    row.className = i === top ? 'bar top' : 'bar';
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = label;
    const track = document.createElement('span');
    track.className = 'track';
    const fill = document.createElement('span');
    fill.className = 'fill';
    fill.style.width = `${(100 * scores[i]).toFixed(1)}%`;
    track.append(fill);
    const value = document.createElement('span');
    value.className = 'value';
    value.textContent = scores[i].toFixed(3);
    row.append(name, track, value);
    container.append(row);
  });
}

function perSpeaker(model: TrainedModel): boolean {
  return model.meta.payload.normaliser.kind === 'per-speaker';
}

/** Uploaded files: every file's vector is kept, since a per-speaker model re-normalises them all together. */
class FilePanel {
  private readonly vectors: (Float32Array | null)[] = [];

  constructor(private readonly model: TrainedModel) {}

  async add(files: File[]): Promise<void> {
    state.pending += files.length;
    for (const file of files) {
      const result: ClipResult = { name: file.name, label: null, scores: null };
      let vector: Float32Array | null = null;
      try {
        const decoded = decodeAudio(new Uint8Array(await file.arrayBuffer()), file.name);
        vector = audioFeatures(this.model.meta, decoded, file.name);
      } catch (err) {
        result.error = oneLine(err);
      }
      state.results.push(result);
      this.vectors.push(vector);
      state.pending--;
      // Yield so the page repaints between files.
      await new Promise((r) => setTimeout(r, 0));
    }
    this.predict();
    this.render();
  }

  /** Like `ser predict` on all files at once: with per-speaker normalisation they are taken as one speaker. */
  private predict(): void {
    const idx = this.vectors.flatMap((v, i) => (v ? [i] : []));
    const vectors = idx.map((i) => this.vectors[i] as Float32Array);
    if (perSpeaker(this.model) && vectors.length < MIN_CLIPS_PER_SPEAKER) return;
    const speakers = perSpeaker(this.model) ? vectors.map(() => 'upload') : undefined;
    const scores = this.model.predict(vectors, speakers);
    idx.forEach((i, k) => {
      state.results[i].scores = scores[k];
      state.results[i].label = this.model.labels[argmax(scores[k])];
    });
  }

  private render(): void {
    const list = element('results');
    list.replaceChildren();
    const valid = this.vectors.filter((v) => v).length;
    const note =
      perSpeaker(this.model) && valid < MIN_CLIPS_PER_SPEAKER
        ? `This model normalises each speaker with that speaker's own statistics: add at least ` +
          `${MIN_CLIPS_PER_SPEAKER} clips of one speaker (${valid} so far).`
        : undefined;
    for (const r of state.results) {
      const item = document.createElement('li');
      const title = document.createElement('div');
      title.className = 'file';
      title.textContent = r.error ? `${r.name}: ${r.error}` : r.label ? `${r.name} → ${r.label}` : r.name;
      const bars = document.createElement('div');
      if (!r.error) renderBars(bars, this.model.labels, r.scores, note);
      item.append(title, bars);
      list.append(item);
    }
  }
}

/** The live panel: one prediction per microphone window. */
class MicPanel {
  private capture: MicrophoneCapture | null = null;
  private started = 0;
  private readonly pool: Float32Array[] = [];

  constructor(
    private readonly model: TrainedModel,
    private readonly windowSeconds: number,
    private readonly hopSeconds: number,
  ) {}

  async toggle(button: HTMLButtonElement): Promise<void> {
    if (this.capture) {
      await this.capture.stop();
      this.capture = null;
      button.textContent = 'Start microphone';
      return;
    }
    button.disabled = true;
    try {
      this.capture = await startMicrophone(this.windowSeconds, this.hopSeconds, (w, rate) =>
        this.onWindow(w, rate),
      );
      state.micSampleRate = this.capture.sampleRate;
      this.started = performance.now();
      button.textContent = 'Stop microphone';
      element('mic-status').textContent =
        `listening at ${this.capture.sampleRate} Hz (resampled to ${this.model.meta.payload.features.sampleRate} Hz), ` +
        `${this.windowSeconds} s windows every ${this.hopSeconds} s`;
    } catch (err) {
      element('mic-status').textContent = `microphone unavailable: ${oneLine(err)}`;
    } finally {
      button.disabled = false;
    }
  }

  private onWindow(samples: Float32Array, sampleRate: number): void {
    const bars = element('mic-bars');
    const level = levelDb(samples);
    if (level < SILENCE_DB) {
      renderBars(bars, this.model.labels, null, `silence (${level.toFixed(0)} dBFS)`);
      return;
    }
    const vector = signalFeatures(this.model.meta, { samples, sampleRate });
    let scores: number[];
    if (perSpeaker(this.model)) {
      // The speaker's statistics come from their recent windows, as `ser predict` takes one call's files.
      this.pool.push(vector);
      if (this.pool.length > SPEAKER_POOL) this.pool.shift();
      if (this.pool.length < MIN_CLIPS_PER_SPEAKER) {
        renderBars(
          bars,
          this.model.labels,
          null,
          `learning your voice: ${this.pool.length}/${MIN_CLIPS_PER_SPEAKER} windows`,
        );
        return;
      }
      const all = this.model.predict(
        this.pool,
        this.pool.map(() => 'microphone'),
      );
      scores = all[all.length - 1];
    } else scores = this.model.predict([vector])[0];
    const label = this.model.labels[argmax(scores)];
    state.mic.push({ time: (performance.now() - this.started) / 1000, label, scores, levelDb: level });
    if (state.mic.length > 500) state.mic.shift();
    state.lastMicWindow = { samples: Array.from(samples), sampleRate };
    renderBars(bars, this.model.labels, scores);
  }
}

function positiveNumber(name: string, fallback: number): number {
  const value = Number(params.get(name));
  return params.has(name) && Number.isFinite(value) && value > 0 ? value : fallback;
}

async function main(): Promise<void> {
  const base = params.get('model') ?? 'model/';
  setStatus('loading the model…');
  state.backend = await initBrowserBackend('wasm/', params.get('backend') === 'cpu' ? 'cpu' : undefined);
  const model = await fetchTrainedModel(base.endsWith('/') ? base : `${base}/`);
  state.labels = model.labels;
  const p = model.meta.payload;
  element('model').textContent =
    `${p.model.name} (${p.model.kind}${model.meta.quantization ? `, ${model.meta.quantization} weights` : ''}) ` +
    `on ${p.features.name} features at ${p.features.sampleRate} Hz, ${p.normaliser.kind} normalisation; ` +
    `labels ${model.labels.join(', ')}; tfjs backend ${state.backend}`;
  const files = new FilePanel(model);
  const input = element<HTMLInputElement>('files');
  input.addEventListener('change', () => {
    const chosen = Array.from(input.files ?? []);
    input.value = '';
    void files.add(chosen);
  });
  const drop = element('drop');
  drop.addEventListener('dragover', (e) => e.preventDefault());
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    void files.add(Array.from(e.dataTransfer?.files ?? []));
  });
  const mic = new MicPanel(model, positiveNumber('window', 3), positiveNumber('hop', 0.5));
  const button = element<HTMLButtonElement>('mic-toggle');
  button.disabled = false;
  button.addEventListener('click', () => void mic.toggle(button));
  state.ready = true;
  setStatus('ready');
}

main().catch((err: unknown) => {
  state.error = oneLine(err);
  setStatus(`cannot start: ${state.error}`, true);
});
