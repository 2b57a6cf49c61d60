/**
 * Additive noise at a target signal-to-noise ratio: white, pink and brown Gaussian noise, and segments of
 * real noise recordings (audiomentations' AddGaussianSNR, AddColorNoise and AddBackgroundNoise).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAudioSync } from '../audio/load';
import { realFft } from '../dsp/fft';
import { inverseRealFft } from '../dsp/istft';
import { UserError } from '../util/errors';
import type { Rng } from '../util/rng';
import { checkParam, checkWaveform } from './check';

/** Spectral colour of generated noise: power falls as 1/f^0 (white), 1/f (pink) or 1/f² (brown). */
export type NoiseColor = 'white' | 'pink' | 'brown';

const COLOR_EXPONENT: Record<NoiseColor, number> = { white: 0, pink: 1, brown: 2 };

/**
 * `length` samples of Gaussian noise whose power spectrum falls as 1/f^β (β = 0, 1, 2 for white, pink,
 * brown; -3.01 and -6.02 dB per octave, audiomentations' AddColorNoise `f_decay`): white noise from `rng`
 * shaped in the frequency domain over the next power of two (DC removed for pink and brown), then cut to
 * `length`. Unit scale is arbitrary: {@link addNoiseAtSnr} sets the level.
 */
export function colorNoise(length: number, color: NoiseColor, rng: Rng): Float32Array {
  const beta = COLOR_EXPONENT[color];
  if (beta === undefined)
    throw new UserError(`colorNoise: unknown color "${String(color)}" (white, pink, brown)`);
  const out = new Float32Array(length);
  if (beta === 0) {
    for (let i = 0; i < length; i++) out[i] = rng.normal();
    return out;
  }
  let size = 4;
  while (size < length) size *= 2;
  const white = new Float64Array(size);
  for (let i = 0; i < size; i++) white[i] = rng.normal();
  const bins = size / 2 + 1;
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  realFft(size).forward(white, re, im);
  re[0] = 0;
  im[0] = 0;
  for (let k = 1; k < bins; k++) {
    const g = k ** (-beta / 2);
    re[k] *= g;
    im[k] *= g;
  }
  const shaped = new Float64Array(size);
  inverseRealFft(size).inverse(re, im, shaped);
  for (let i = 0; i < length; i++) out[i] = shaped[i];
  return out;
}

/** Mean square of a signal (float64). */
export function meanSquare(y: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i] * y[i];
  return y.length > 0 ? sum / y.length : 0;
}

/**
 * `y + g·noise` with g chosen so that 10·log10(mean(y²) / mean((g·noise)²)) = `snrDb` exactly (powers over
 * the whole clip, silences included, as audiomentations measures them). `noise` must be as long as `y`.
 * The sum may exceed ±1 at low SNR (check with `clipReport`).
 *
 * @throws {UserError} on a silent signal or silent noise, where no gain gives the SNR
 */
export function addNoiseAtSnr(y: Float32Array, noise: Float32Array, snrDb: number): Float32Array {
  checkParam('addNoise', 'snrDb', snrDb, snrDb >= -60 && snrDb <= 120, 'in [-60, 120] dB');
  checkWaveform('addNoise', y);
  if (noise.length !== y.length)
    throw new UserError(`addNoise: noise has ${noise.length} samples, the signal ${y.length}`);
  const signalPower = meanSquare(y);
  const noisePower = meanSquare(noise);
  if (!(signalPower > 0))
    throw new UserError('addNoise: the signal is silent, so no noise level gives an SNR');
  if (!(noisePower > 0)) throw new UserError('addNoise: the noise is silent');
  const gain = Math.sqrt(signalPower / (noisePower * 10 ** (snrDb / 10)));
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] + gain * noise[i];
  return out;
}

/** Options of {@link addColorNoise}. */
export interface ColorNoiseOptions {
  /** Target SNR in dB. */
  snrDb: number;
  /** Noise colour. Default 'white' (audiomentations' AddGaussianSNR). */
  color?: NoiseColor;
}

/** Add white, pink or brown Gaussian noise at `snrDb` (see {@link colorNoise}, {@link addNoiseAtSnr}). */
export function addColorNoise(y: Float32Array, options: ColorNoiseOptions, rng: Rng): Float32Array {
  return addNoiseAtSnr(y, colorNoise(y.length, options.color ?? 'white', rng), options.snrDb);
}

/**
 * A random `length`-sample stretch of one of `noises` (chosen uniformly), tiled from a random start when the
 * recording is shorter (audiomentations' AddBackgroundNoise loops short noises the same way).
 */
export function noiseSegment(noises: readonly Float32Array[], length: number, rng: Rng): Float32Array {
  const usable = noises.filter((n) => n.length > 0);
  if (usable.length === 0) throw new UserError('backgroundNoise: no non-empty noise recording');
  const source = usable[rng.int(usable.length)];
  const start = rng.int(source.length);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = source[(start + i) % source.length];
  return out;
}

/** Add a segment of a real noise recording at `snrDb` (see {@link noiseSegment}, {@link addNoiseAtSnr}). */
export function addBackgroundNoise(
  y: Float32Array,
  noises: readonly Float32Array[],
  snrDb: number,
  rng: Rng,
): Float32Array {
  return addNoiseAtSnr(y, noiseSegment(noises, y.length, rng), snrDb);
}

const AUDIO_EXTENSIONS = new Set(['.wav', '.flac', '.aif', '.aiff']);
const noiseFolders = new Map<string, Float32Array[]>();

/**
 * Every audio file (WAV, FLAC, AIFF) under `dir`, recursively, decoded to mono at `sampleRate`, in sorted
 * path order so a seed picks the same file on every machine. Cached per (folder, rate) for the process.
 *
 * @throws {UserError} when the folder holds no audio file
 */
export function loadNoiseFolder(dir: string, sampleRate: number): Float32Array[] {
  const key = `${path.resolve(dir)}@${sampleRate}`;
  const cached = noiseFolders.get(key);
  if (cached) return cached;
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (AUDIO_EXTENSIONS.has(path.extname(e.name).toLowerCase())) files.push(p);
    }
  };
  if (!fs.existsSync(dir)) throw new UserError(`backgroundNoise: noise folder not found`, dir);
  walk(dir);
  files.sort();
  if (files.length === 0) throw new UserError(`backgroundNoise: no audio file in the noise folder`, dir);
  const noises = files.map((f) => loadAudioSync(f, { sampleRate }).samples);
  noiseFolders.set(key, noises);
  return noises;
}
