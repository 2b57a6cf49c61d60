/**
 * What a model directory holds, without the file system: its file names, the `ser.json` description, and
 * the tfjs model built from `model.json` + `weights.bin` bytes. Node (lib/models/model-dir.ts) and the browser
 * demo (lib/browser) read directories through this same code, so both see identical weights, quantised or not.
 */
import * as tf from '@tensorflow/tfjs';

export const MODEL_FILES = ['model.json', 'weights.bin', 'ser.json'] as const;
/** Files of a classic (random forest, SVM) model directory, version 2. */
export const CLASSIC_MODEL_FILES = ['classic.json', 'ser.json'] as const;

/** Metadata stored in `ser.json`; `T` is the stage-specific payload (features, normaliser, split, …). */
export interface SerModelMeta<T = Record<string, unknown>> {
  format: 'ser-model';
  /** 1: the retired thin slice's directories (refused with a retraining hint); 2: pipelines, with `kind`. */
  version: 1 | 2;
  /** What holds the model: a tfjs Layers model (model.json + weights.bin) or a classic model (classic.json). Absent in version 1: 'tfjs'. */
  kind?: 'tfjs' | 'classic';
  labels: string[];
  createdAt: string;
  versions: { ser: string; tfjs: string; node: string };
  /** Weights stored at reduced precision by `ser export --quantize` (absent: float32). */
  quantization?: 'float16' | 'uint8';
  /** SHA-256 of model.json and weights.bin. */
  checksums: Record<string, string>;
  payload: T;
}

/** `model.json` of a model directory: a tfjs Layers model whose weights are all in `weights.bin`. */
export interface LayersModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Build the tfjs model of `model.json` and the bytes of `weights.bin` (quantised weights are decoded by tfjs). */
export async function layersModelFromFiles(json: LayersModelJson, weights: ArrayBuffer): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weights,
    }),
  );
}
