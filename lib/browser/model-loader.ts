/**
 * A model directory read over HTTP, as `ser serve` publishes it: `ser.json`, then the model files it names,
 * each checked against its SHA-256 in `ser.json` (as Node's loader does) before the same {@link Pipeline}
 * as Node's is built from them.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { CLASSIC_MODEL_FILES, layersModelFromFiles, MODEL_FILES } from '../models/model-format';
import type { LayersModelJson, SerModelMeta } from '../models/model-format';
import type { ClassicState } from '../models/zoo';
import { isPipelineMeta, Pipeline } from '../train/pipeline';
import type { TrainedModelPayload } from '../train/train-model';

/** The tfjs backend the page runs on: wasm when its binaries load from `wasmBase`, else cpu. */
export async function initBrowserBackend(wasmBase: string, prefer?: 'wasm' | 'cpu'): Promise<string> {
  tf.env().set('PROD', true);
  if (prefer !== 'cpu') {
    setWasmPaths(wasmBase);
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return 'wasm';
      }
    } catch {
      // No WebAssembly, or the binaries were not served: the cpu backend computes the same in plain JS.
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

async function fetchBytes(url: string): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The model directory at `base` (a URL ending in '/') as a Pipeline; throws naming the file at fault. */
export async function fetchPipeline(base: string): Promise<Pipeline> {
  const meta = JSON.parse(new TextDecoder().decode(await fetchBytes(`${base}ser.json`))) as SerModelMeta<
    Partial<TrainedModelPayload>
  >;
  if (meta.format !== 'ser-model' || !isPipelineMeta(meta))
    throw new Error(`${base}ser.json: not a model directory written by ser train --model`);
  const classic = meta.kind === 'classic';
  const names = (classic ? CLASSIC_MODEL_FILES : MODEL_FILES).filter((n) => n !== 'ser.json');
  const files = await Promise.all(names.map((n) => fetchBytes(base + n)));
  // SubtleCrypto exists only in secure contexts (localhost, https); elsewhere the files go unchecked.
  if (globalThis.crypto?.subtle) {
    for (let i = 0; i < names.length; i++) {
      if ((await sha256Hex(files[i])) !== meta.checksums[names[i]])
        throw new Error(
          `${base}${names[i]} does not match its checksum in ser.json (modified or partial copy)`,
        );
    }
  }
  const text = (i: number) => new TextDecoder().decode(files[i]);
  const full = meta as SerModelMeta<TrainedModelPayload>;
  if (classic) {
    return new Pipeline(full, { kind: 'classic', state: JSON.parse(text(0)) as ClassicState }, base);
  }
  // fetchBytes wraps a whole response buffer, so the view starts at offset 0.
  const model = await layersModelFromFiles(JSON.parse(text(0)) as LayersModelJson, files[1].buffer);
  return new Pipeline(full, { kind: 'tfjs', model }, base);
}
