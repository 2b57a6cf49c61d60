/**
 * The browser demo (bundled by scripts/build.js into dist/browser/demo.js, served by `ser serve`): loads a
 * model directory over HTTP and shows emotion scores for uploaded files and, live, for the microphone. Files
 * are decoded, mixed, resampled and featurised by the same lib/ code as `ser predict`, and predicted by the
 * same predictor, so the page agrees with Node (checked in test/browser).
 *
 * URL parameters: `model` (model directory URL, default `model/`), `backend` (`cpu` to skip wasm), and the
 * microphone stream's `window` and `hop` (seconds) and `smoothing` (as `ser stream`'s options).
 */
import { argmax } from '../metrics/summary';
import { NO_SPEECH, predictClips, type ClipInput, type ClipResult as PredictedClip } from '../infer/clips';
import type { InferenceModel } from '../infer/model';
import { inferenceModelOf, MIN_CLIPS_PER_SPEAKER } from '../infer/predictor';
import type { Pipeline } from '../train/pipeline';
import { EmotionStream, STREAM_DEFAULTS, type StreamEvent, type StreamOptions } from '../infer/stream';
import { oneLine } from '../util/errors';
import { startMicrophone, type MicrophoneCapture } from './microphone';
import { fetchPipeline, initBrowserBackend } from './model-loader';

/** One uploaded file's outcome (scores null while a per-speaker model still needs more clips, or on error). */
export interface ClipResult {
  name: string;
  label: string | null;
  scores: number[] | null;
  error?: string;
  /** How the clip differs from training audio (narrowband, many or silent channels, truncated, long, no speech). */
  notes?: string[];
}

/** A microphone event of the stream (`ser stream`'s JSON lines), scores aligned with the labels. */
export interface MicResult {
  type: StreamEvent['type'];
  /** Seconds from the start of the capture. */
  start: number;
  end: number;
  /** Null where the window holds no speech. */
  label: string | null;
  scores: number[] | null;
  /** Windows: the label of this window alone, before smoothing. */
  raw: string | null;
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
  /** Every sample captured (device rate, first minute only), to replay the stream in Node. */
  micCapture: Float32Array[];
  micSampleRate: number | null;
}

declare global {
  interface Window {
    serDemo: DemoState;
  }
}

/** Seconds of microphone audio kept for {@link DemoState.micCapture}. */
const CAPTURE_SECONDS = 60;

const params = new URLSearchParams(location.search);
const state: DemoState = {
  ready: false,
  error: null,
  backend: null,
  labels: [],
  results: [],
  pending: 0,
  mic: [],
  micCapture: [],
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

/** Larger uploads are refused unread. Recordings longer than 60 s go through the streaming core's segments. */
const MAX_UPLOAD_BYTES = 512 * 2 ** 20;

/**
 * Uploaded files, predicted by lib/infer's predictClips as `ser predict` predicts files. A per-speaker model
 * normalises all uploads so far as one speaker, like one `ser predict` call, so they are kept and re-predicted.
 */
class FilePanel {
  private readonly inputs: ClipInput[] = [];
  private note: string | undefined;

  constructor(
    private readonly model: Pipeline,
    private readonly inference: InferenceModel,
  ) {}

  async add(files: File[]): Promise<void> {
    state.pending += files.length;
    const perSpeaker = this.inference.normalisation === 'per-speaker';
    for (const file of files) {
      if (file.size > MAX_UPLOAD_BYTES) {
        // Refused before reading: the page holds an upload whole (its decoding is bounded, the bytes are not).
        const mb = (file.size / 2 ** 20).toFixed(0);
        const error = `${file.name}: ${mb} MB is more than the page reads (${MAX_UPLOAD_BYTES / 2 ** 20} MB); use ser predict or ser stream`;
        state.results.push({ name: file.name, label: null, scores: null, error });
        state.pending--;
        continue;
      }
      const input = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
      this.inputs.push(input);
      state.results.push({ name: file.name, label: null, scores: null });
      if (!perSpeaker) this.show(state.results.length - 1, predictClips(this.inference, [input])[0]);
      state.pending--;
      this.render();
      // Yield so the page repaints between files.
      await new Promise((r) => setTimeout(r, 0));
    }
    if (perSpeaker) this.predictAll();
    this.render();
  }

  private predictAll(): void {
    if (this.inputs.length < MIN_CLIPS_PER_SPEAKER) {
      this.note =
        `This model normalises each speaker with that speaker's own statistics: add at least ` +
        `${MIN_CLIPS_PER_SPEAKER} clips of one speaker (${this.inputs.length} so far).`;
      return;
    }
    try {
      predictClips(this.inference, this.inputs).forEach((r, i) => this.show(i, r));
      this.note = undefined;
    } catch (err) {
      this.note = oneLine(err);
    }
  }

  private show(index: number, result: PredictedClip): void {
    const r = state.results[index];
    r.error = result.error;
    r.notes = result.notes;
    r.label = result.label ?? null;
    r.scores = result.scores ? this.model.labels.map((l) => result.scores![l]) : null;
  }

  private render(): void {
    const list = element('results');
    list.replaceChildren();
    for (const r of state.results) {
      const item = document.createElement('li');
      const title = document.createElement('div');
      title.className = 'file';
      const silent = r.notes?.includes(NO_SPEECH) === true;
      title.textContent = r.error
        ? `${r.name}: ${r.error}`
        : r.label
          ? `${r.name} → ${r.label}`
          : silent
            ? `${r.name} → ${NO_SPEECH}`
            : r.name;
      item.append(title);
      for (const n of r.notes ?? []) {
        const p = document.createElement('p');
        p.className = 'note';
        p.textContent = n;
        item.append(p);
      }
      const bars = document.createElement('div');
      if (!r.error)
        renderBars(bars, this.model.labels, r.scores, silent ? NO_SPEECH : (this.note ?? 'predicting…'));
      item.append(bars);
      list.append(item);
    }
  }
}

/**
 * The live panel: the microphone through lib/infer's EmotionStream, as `ser stream` reads a recording: voice
 * activity, sliding windows (smoothed), utterances, and a running normaliser for per-speaker models.
 */
class MicPanel {
  private capture: MicrophoneCapture | null = null;
  private captured = 0;

  constructor(
    private readonly model: Pipeline,
    private readonly inference: InferenceModel,
    private readonly options: StreamOptions,
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
      let stream: EmotionStream | null = null;
      this.capture = await startMicrophone((chunk, rate) => {
        stream ??= new EmotionStream(this.inference, rate, this.options);
        if (this.captured < CAPTURE_SECONDS * rate) {
          state.micCapture.push(chunk);
          this.captured += chunk.length;
        }
        for (const event of stream.push(chunk)) this.show(event);
      });
      state.micSampleRate = this.capture.sampleRate;
      state.micCapture = [];
      this.captured = 0;
      button.textContent = 'Stop microphone';
      const o = { ...STREAM_DEFAULTS, ...this.options };
      element('mic-status').textContent =
        `listening at ${this.capture.sampleRate} Hz (resampled to ${this.model.meta.payload.features.sampleRate} Hz): ` +
        `${o.windowSeconds} s windows every ${o.hopSeconds} s` +
        (this.model.normaliser.perSpeaker
          ? `; this model normalises per speaker, so the first windows wait for your voice's statistics`
          : '');
    } catch (err) {
      element('mic-status').textContent = `microphone unavailable: ${oneLine(err)}`;
    } finally {
      button.disabled = false;
    }
  }

  private show(event: StreamEvent): void {
    const labels = this.model.labels;
    const scores = event.scores ? labels.map((l) => event.scores![l]) : null;
    state.mic.push({
      type: event.type,
      start: event.start,
      end: event.end,
      label: event.label,
      scores,
      raw: event.type === 'window' ? event.raw : null,
    });
    if (state.mic.length > 1000) state.mic.shift();
    const span = `${event.start.toFixed(1)}–${event.end.toFixed(1)} s`;
    if (event.type === 'window') {
      renderBars(element('mic-bars'), labels, scores, `${span}: no speech`);
      return;
    }
    const item = document.createElement('li');
    item.textContent = `utterance ${span}: ${event.label ?? 'no label yet'}`;
    const list = element('mic-segments');
    list.prepend(item);
    while (list.children.length > 8) list.lastElementChild?.remove();
  }
}

/** A positive number from the URL, or undefined for the stream's default. */
function positiveNumber(name: string): number | undefined {
  const value = Number(params.get(name));
  return params.has(name) && Number.isFinite(value) && value > 0 ? value : undefined;
}

async function main(): Promise<void> {
  const base = params.get('model') ?? 'model/';
  setStatus('loading the model…');
  state.backend = await initBrowserBackend('wasm/', params.get('backend') === 'cpu' ? 'cpu' : undefined);
  const model = await fetchPipeline(base.endsWith('/') ? base : `${base}/`);
  state.labels = model.labels;
  const p = model.meta.payload;
  element('model').textContent =
    `${p.model.name} (${p.model.kind}${model.meta.quantization ? `, ${model.meta.quantization} weights` : ''}) ` +
    `on ${p.features.name} features at ${p.features.sampleRate} Hz, ${p.normaliser.kind} normalisation; ` +
    `labels ${model.labels.join(', ')}; tfjs backend ${state.backend}`;
  const inference = inferenceModelOf(model);
  const files = new FilePanel(model, inference);
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
  const mic = new MicPanel(model, inference, {
    windowSeconds: positiveNumber('window'),
    hopSeconds: positiveNumber('hop'),
    smoothing: positiveNumber('smoothing'),
  });
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
