/**
 * The model directory: the unit of exchange between training, evaluation, prediction, notebooks and the
 * browser. It holds a standard tfjs Layers model (`model.json` + `weights.bin`, loadable by
 * `tf.loadLayersModel` over HTTP) and `ser.json` (labels, feature config, normaliser, split, metrics,
 * versions, and checksums of the two model files so a partial or tampered directory is refused).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeDirAtomic, writeFileAtomic } from '../util/atomic';
import { UserError } from '../util/errors';
import {
  CLASSIC_MODEL_FILES,
  layersModelFromFiles,
  MODEL_FILES,
  type LayersModelJson,
  type SerModelMeta,
} from './model-format';
import { quantizeWeights, type WeightQuantization } from './quantize';

export { CLASSIC_MODEL_FILES, MODEL_FILES, type LayersModelJson, type SerModelMeta } from './model-format';

function sha256(data: Uint8Array | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function serVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(path.join(__dirname, '..', '..', 'package.json')) as { version: string }).version;
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(path.join(__dirname, '..', '..', '..', 'package.json')) as { version: string }).version;
  }
}

function joinWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  const total = buffers.reduce((s, b) => s + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}

/** Save `model` and its metadata into `dir` atomically (a crash never leaves a half-written directory). */
export async function saveModelDir<T>(dir: string, model: tf.LayersModel, labels: string[], payload: T): Promise<void> {
  let modelJson = '';
  let weights: Uint8Array = new Uint8Array(0);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      weights = joinWeights(artifacts.weightData);
      modelJson = JSON.stringify({
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  await writeModelFiles(dir, 'tfjs', { 'model.json': modelJson, 'weights.bin': weights }, labels, payload);
}

/** Write model files plus a version-2 `ser.json` holding their checksums, atomically. */
async function writeModelFiles<T>(
  dir: string,
  kind: 'tfjs' | 'classic',
  files: Record<string, string | Uint8Array>,
  labels: string[],
  payload: T,
  quantization?: WeightQuantization,
): Promise<void> {
  const meta: SerModelMeta<T> = {
    format: 'ser-model',
    version: 2,
    kind,
    ...(quantization ? { quantization } : {}),
    labels,
    createdAt: new Date().toISOString(),
    versions: { ser: serVersion(), tfjs: tf.version.tfjs, node: process.version },
    checksums: Object.fromEntries(Object.entries(files).map(([name, data]) => [name, sha256(data)])),
    payload,
  };
  await writeDirAtomic(dir, (tmp) => {
    for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), data);
    fs.writeFileSync(path.join(tmp, 'ser.json'), JSON.stringify(meta, null, 2));
  });
}

/** Save a classic model (plain JSON state: random forest, SVM) and its metadata into `dir` atomically. */
export async function saveClassicModelDir<T>(dir: string, state: object, labels: string[], payload: T): Promise<void> {
  await writeModelFiles(dir, 'classic', { 'classic.json': JSON.stringify(state) }, labels, payload);
}

/** Read and check `ser.json` of a model directory; refuses missing, partial or tampered directories. */
export function readModelMeta<T>(dir: string): SerModelMeta<T> {
  if (!fs.existsSync(dir)) throw new UserError('model directory does not exist', dir);
  if (!fs.statSync(dir).isDirectory()) throw new UserError('not a model directory (it is a file)', dir);
  if (!fs.existsSync(path.join(dir, 'ser.json'))) throw new UserError('not a complete ser model directory (missing ser.json)', dir);
  let meta: SerModelMeta<T>;
  try {
    meta = JSON.parse(fs.readFileSync(path.join(dir, 'ser.json'), 'utf8')) as SerModelMeta<T>;
  } catch {
    throw new UserError('ser.json is not valid JSON', path.join(dir, 'ser.json'));
  }
  if (meta.format !== 'ser-model' || (meta.version !== 1 && meta.version !== 2)) {
    throw new UserError('ser.json is not a ser model description (format/version)', path.join(dir, 'ser.json'));
  }
  const required = (meta.kind ?? 'tfjs') === 'classic' ? CLASSIC_MODEL_FILES : MODEL_FILES;
  const missing = required.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length > 0) throw new UserError(`not a complete ser model directory (missing ${missing.join(', ')})`, dir);
  if (required.some((f) => f !== 'ser.json' && !(f in (meta.checksums ?? {}))))
    throw new UserError('ser.json lacks the checksums of the model files', path.join(dir, 'ser.json'));
  for (const [file, expected] of Object.entries(meta.checksums ?? {})) {
    if (sha256(fs.readFileSync(path.join(dir, file))) !== expected) {
      throw new UserError(`${file} does not match its checksum in ser.json (modified or partial copy)`, path.join(dir, file));
    }
  }
  return meta;
}

/** Load the tfjs model and metadata of a model directory. */
export async function loadModelDir<T>(dir: string): Promise<{ model: tf.LayersModel; meta: SerModelMeta<T> }> {
  const meta = readModelMeta<T>(dir);
  if (meta.kind === 'classic') throw new UserError('this is a classic (random forest / SVM) model directory: load it with loadClassicModelDir', dir);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as LayersModelJson;
  const weights = fs.readFileSync(path.join(dir, 'weights.bin'));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return { model: await layersModelFromFiles(json, weightData), meta };
}

/** Load the state (classic.json) and metadata of a classic model directory. */
export function loadClassicModelDir<S, T>(dir: string): { state: S; meta: SerModelMeta<T> } {
  const meta = readModelMeta<T>(dir);
  if (meta.kind !== 'classic') throw new UserError('not a classic model directory (it holds a tfjs model: use loadModelDir)', dir);
  return { state: JSON.parse(fs.readFileSync(path.join(dir, 'classic.json'), 'utf8')) as S, meta };
}

/** Write a JSON side file (metrics, history) into an existing model directory, atomically. */
export function writeModelSideFile(dir: string, name: string, data: unknown): void {
  writeFileAtomic(path.join(dir, name), JSON.stringify(data, null, 2));
}

/**
 * Copy the tfjs model directory `source` to `out` with its weights quantised (float16 or uint8): same
 * topology, labels and payload, `quantization` recorded in ser.json, fresh checksums; written atomically.
 */
export async function exportQuantizedModelDir(
  source: string,
  out: string,
  quantization: WeightQuantization,
): Promise<void> {
  const meta = readModelMeta<Record<string, unknown>>(source);
  if (meta.kind === 'classic')
    throw new UserError(
      'quantisation applies to neural (tfjs) models; a classic model stores its state as JSON (classic.json)',
      source,
    );
  if (meta.quantization)
    throw new UserError(`the weights are already quantised (${meta.quantization}): export from the float32 model`, source);
  if (path.resolve(source) === path.resolve(out)) throw new UserError('--out must differ from --model', out);
  const json = JSON.parse(fs.readFileSync(path.join(source, 'model.json'), 'utf8')) as LayersModelJson;
  const bytes = fs.readFileSync(path.join(source, 'weights.bin'));
  const quantized = quantizeWeights(
    json,
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    quantization,
  );
  await writeModelFiles(
    out,
    'tfjs',
    { 'model.json': JSON.stringify(quantized.json), 'weights.bin': quantized.weights },
    meta.labels,
    meta.payload,
    quantization,
  );
}
