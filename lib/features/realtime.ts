/**
 * Per-frame feature extractors for streaming (microphone, real-time inference): push samples as they come,
 * get one vector per completed frame. Two backends behind the same {@link FrameExtractor} interface:
 *
 * - `'librosa'`: librosa's per-frame definitions (periodic Hann, Slaney mel with area norm, `10 log10`
 *   power with amin 1e-10, orthonormal DCT-II, chroma with librosa's bank). What a stream cannot know
 *   differs from the offline sets: frames are not centred (frame t starts at sample t × hop), there is no
 *   `top_db` clipping (it needs the clip's peak), chroma uses a fixed `tuning` (default 0) instead of
 *   `estimate_tuning`, and deltas are not offered (they need future frames). Frame t equals the offline
 *   features of `center: false, topDb: null` exactly.
 * - `'meyda'`: Meyda 5.6.3, fast and allocation-light, with Meyda's own definitions: symmetric Hann
 *   window, magnitude (not power) spectrum into an HTK-style mel bank without area normalisation,
 *   `log(1 + x)` instead of dB, an unnormalised DCT, Meyda's chroma bank; RMS and ZCR are computed on the
 *   *windowed* frame. Units are aligned with the librosa backend where it is a mere scale: ZCR is a rate
 *   (crossings / frame length) and the centroid is in Hz. Frame length must be a power of two. Meyda's
 *   filter-bank caching is worked around (see meyda-config.ts), so extractors of different rates or sizes
 *   can run side by side.
 */
import { chromaFilterBank, chromaFrame } from './chroma';
import { fastDb } from './fastlog';
import { realFft } from '../dsp/fft';
import { applyMelFrame, dctMatrix, melFilterBank } from './mel';
import { configureMeyda } from './meyda-config';
import { fftFrequencies, stftWindow } from '../dsp/spectrum';

/** Features a frame extractor can produce, stacked in the order given. */
export type StreamFeature = 'mfcc' | 'mel' | 'chroma' | 'rms' | 'zcr' | 'centroid';

/** Options of {@link createFrameExtractor}; defaults in brackets. */
export interface FrameExtractorOptions {
  /** 'librosa' definitions or 'meyda'. ['librosa'] */
  backend?: 'librosa' | 'meyda';
  /** Sample rate of the stream (Hz). [22050] */
  sampleRate?: number;
  /** Samples per frame (= FFT size). [512] */
  frameLength?: number;
  /** Samples between frame starts. [256] */
  hopLength?: number;
  /** Features per frame, in order. [['mfcc']] */
  features?: StreamFeature[];
  /** MFCC coefficients. [20] */
  nMfcc?: number;
  /** Mel bands (mel and MFCC). [40] */
  nMels?: number;
  /** Chroma tuning in fractions of a bin (librosa backend). [0] */
  tuning?: number;
}

/** A streaming extractor: one feature vector per frame. */
export interface FrameExtractor {
  readonly backend: 'librosa' | 'meyda';
  readonly sampleRate: number;
  readonly frameLength: number;
  readonly hopLength: number;
  /** Names of a vector's entries. */
  readonly names: string[];
  /** Features of one frame of exactly `frameLength` samples. */
  extractFrame(frame: Float32Array): Float32Array;
  /** Append samples; returns the vectors of the frames they complete (possibly none). */
  push(samples: Float32Array): Float32Array[];
  /** Forget buffered samples (start a new stream). */
  reset(): void;
}

const CHROMA = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

function featureNames(features: StreamFeature[], nMfcc: number, nMels: number): string[] {
  return features.flatMap((f) =>
    f === 'mfcc'
      ? Array.from({ length: nMfcc }, (_, i) => `mfcc${i}`)
      : f === 'mel'
        ? Array.from({ length: nMels }, (_, i) => `mel${i}`)
        : f === 'chroma'
          ? CHROMA.map((c) => `chroma_${c}`)
          : [f],
  );
}

type FrameFunction = (frame: Float32Array) => Float32Array;

function librosaFrames(
  features: StreamFeature[],
  sr: number,
  nFft: number,
  nMfcc: number,
  nMels: number,
  tuning: number,
): FrameFunction {
  const window = stftWindow('hann', nFft, nFft);
  const fft = realFft(nFft);
  const bins = (nFft >> 1) + 1;
  const bank = melFilterBank(sr, nFft, { nMels });
  const dct = dctMatrix(nMels, nMfcc);
  const chroma = chromaFilterBank(sr, nFft, { tuning });
  const freq = fftFrequencies(sr, nFft);
  const buffer = new Float64Array(nFft);
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  const magnitude = new Float32Array(bins);
  const power = new Float32Array(bins);
  const mel = new Float64Array(nMels);
  const column = new Float64Array(12);
  const width = featureNames(features, nMfcc, nMels).length;
  return (frame) => {
    for (let j = 0; j < nFft; j++) buffer[j] = window[j] * frame[j];
    fft.forward(buffer, re, im);
    for (let f = 0; f < bins; f++) {
      const r = Math.fround(re[f]);
      const i = Math.fround(im[f]);
      magnitude[f] = Math.sqrt(r * r + i * i);
      power[f] = magnitude[f] * magnitude[f];
    }
    const out = new Float32Array(width);
    let k = 0;
    for (const feature of features) {
      if (feature === 'mel' || feature === 'mfcc') {
        applyMelFrame(bank, power, 0, mel, 0, 1);
        if (feature === 'mel') for (let m = 0; m < nMels; m++) out[k++] = mel[m];
        else {
          for (let m = 0; m < nMels; m++) mel[m] = Math.fround(fastDb(Math.max(1e-10, Math.fround(mel[m]))));
          for (let c = 0; c < nMfcc; c++) {
            let s = 0;
            for (let m = 0; m < nMels; m++) s += dct[c * nMels + m] * mel[m];
            out[k++] = s;
          }
        }
      } else if (feature === 'chroma') {
        chromaFrame(chroma, 12, power, 0, bins, column, true);
        for (let c = 0; c < 12; c++) out[k++] = column[c];
      } else if (feature === 'rms') {
        let s = 0;
        for (let j = 0; j < nFft; j++) s += Math.fround(frame[j] * frame[j]);
        out[k++] = Math.sqrt(s / nFft);
      } else if (feature === 'zcr') {
        let count = 0;
        for (let j = 1; j < nFft; j++) count += frame[j] < -1e-10 !== frame[j - 1] < -1e-10 ? 1 : 0;
        out[k++] = count / nFft;
      } else {
        let total = 0;
        for (let f = 0; f < bins; f++) total += magnitude[f];
        let c = 0;
        if (total >= 1.1754943508222875e-38)
          for (let f = 0; f < bins; f++) c += freq[f] * Math.fround(magnitude[f] / total);
        out[k++] = c;
      }
    }
    return out;
  };
}

interface MeydaFrame {
  mfcc: number[];
  melBands: number[];
  chroma: number[];
  rms: number;
  zcr: number;
  spectralCentroid: number;
}

const MEYDA_NAMES: Record<StreamFeature, keyof MeydaFrame> = {
  mfcc: 'mfcc',
  mel: 'melBands',
  chroma: 'chroma',
  rms: 'rms',
  zcr: 'zcr',
  centroid: 'spectralCentroid',
};

function meydaFrames(
  features: StreamFeature[],
  sr: number,
  nFft: number,
  nMfcc: number,
  nMels: number,
): FrameFunction {
  if (nMfcc > 40) throw new Error('meyda backend: Meyda computes at most 40 MFCCs');
  const names = [...new Set(features.map((f) => MEYDA_NAMES[f]))];
  const width = featureNames(features, nMfcc, nMels).length;
  return (frame) => {
    const meyda = configureMeyda({ sampleRate: sr, bufferSize: nFft, melBands: nMels, nMfcc });
    const r = meyda.extract(names, frame) as unknown as MeydaFrame;
    const out = new Float32Array(width);
    let k = 0;
    for (const feature of features) {
      if (feature === 'mfcc') for (let i = 0; i < nMfcc; i++) out[k++] = r.mfcc[i];
      else if (feature === 'mel') for (let i = 0; i < nMels; i++) out[k++] = r.melBands[i];
      else if (feature === 'chroma') for (let i = 0; i < 12; i++) out[k++] = r.chroma[i];
      else if (feature === 'rms') out[k++] = r.rms;
      else if (feature === 'zcr') out[k++] = r.zcr / nFft;
      else out[k++] = (r.spectralCentroid * sr) / nFft;
    }
    return out;
  };
}

/** A streaming per-frame extractor (see the module comment for the two backends and their differences). */
export function createFrameExtractor(options: FrameExtractorOptions = {}): FrameExtractor {
  const backend = options.backend ?? 'librosa';
  const sampleRate = options.sampleRate ?? 22050;
  const frameLength = options.frameLength ?? 512;
  const hopLength = options.hopLength ?? 256;
  const features = options.features ?? ['mfcc'];
  const nMfcc = options.nMfcc ?? 20;
  const nMels = options.nMels ?? 40;
  if (!(Number.isInteger(hopLength) && hopLength >= 1 && Number.isInteger(frameLength) && frameLength >= 2))
    throw new Error('frame extractor: frameLength and hopLength must be positive integers');
  if (nMfcc > nMels) throw new Error(`frame extractor: nMfcc ${nMfcc} exceeds nMels ${nMels}`);
  const frameFn =
    backend === 'meyda'
      ? meydaFrames(features, sampleRate, frameLength, nMfcc, nMels)
      : librosaFrames(features, sampleRate, frameLength, nMfcc, nMels, options.tuning ?? 0);
  // Samples not yet consumed; `pending` of them are valid.
  let buffer = new Float32Array(frameLength * 2);
  let pending = 0;
  // Samples still to drop when the hop is longer than the frame.
  let skip = 0;
  return {
    backend,
    sampleRate,
    frameLength,
    hopLength,
    names: featureNames(features, nMfcc, nMels),
    extractFrame(frame) {
      if (frame.length !== frameLength)
        throw new Error(`extractFrame: expected ${frameLength} samples, got ${frame.length}`);
      return frameFn(frame);
    },
    push(input) {
      const dropped = Math.min(skip, input.length);
      skip -= dropped;
      const samples = input.subarray(dropped);
      if (pending + samples.length > buffer.length) {
        const grown = new Float32Array(Math.max(buffer.length * 2, pending + samples.length));
        grown.set(buffer.subarray(0, pending));
        buffer = grown;
      }
      buffer.set(samples, pending);
      pending += samples.length;
      const out: Float32Array[] = [];
      let start = 0;
      for (; start + frameLength <= pending; start += hopLength)
        out.push(frameFn(buffer.slice(start, start + frameLength)));
      // Keep what later frames still need; a hop longer than the frame skips samples, as framing does.
      if (start > pending) skip = start - pending;
      buffer.copyWithin(0, Math.min(start, pending), pending);
      pending = Math.max(0, pending - start);
      return out;
    },
    reset() {
      pending = 0;
      skip = 0;
    },
  };
}
