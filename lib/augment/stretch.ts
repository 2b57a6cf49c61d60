/**
 * Phase-vocoder time stretch, pitch shift and speed perturbation (librosa.effects' algorithms on
 * lib/features' STFT/ISTFT and lib/audio's polyphase resampler).
 */
import { fixLength } from '../audio/fixed-length';
import { dspRuntime } from '../engine/dsp';
import type { WasmRuntime } from '../engine/runtime';
import { resample } from '../audio/resample';
import { istft } from '../dsp/istft';
import { stft, type ComplexStft } from '../dsp/spectrum';
import { roundHalfEven } from '../features/types';
import { checkParam, checkWaveform } from './check';

/** STFT settings of the phase vocoder: librosa.effects' defaults. */
export interface VocoderOptions {
  /** FFT size. Default 2048. */
  nFft?: number;
  /** Samples between frames. Default `nFft / 4` (512). */
  hopLength?: number;
}

/**
 * `librosa.phase_vocoder(D, rate=rate, hop_length=hopLength)`: frames are read at steps of `rate`, each
 * output magnitude interpolated linearly between the two neighbouring input frames, and the phase advanced
 * by the neighbours' measured phase difference.
 *
 * Same algorithm, exact arithmetic: librosa accumulates `phase_acc` in float32 radians, which grow by up to
 * π·hop per frame, so by frame 100 its phases carry ~0.01 rad of rounding. Here the phase lives in a float64
 * unit phasor multiplied by each step's `u[i+1]·conj(u[i])` (u = D/|D|, 1 where D = 0, as `np.angle(0) = 0`),
 * which equals librosa's `phi_advance + wrapped dphase` modulo 2π and needs no atan2/cos/sin.
 */
export function phaseVocoder(spec: ComplexStft, rate: number): ComplexStft {
  checkParam('phaseVocoder', 'rate', rate, rate > 0, 'positive');
  const { bins, frames } = spec;
  // np.arange(0, frames, rate) has ceil(frames / rate) steps.
  const outFrames = Math.ceil(frames / rate);
  const rt = dspRuntime(8 * (frames + outFrames + 8) * bins);
  if (rt) return wasmPhaseVocoder(rt, spec, rate, outFrames);
  const slots = new FrameSlots(spec);
  const outRe = new Float32Array(outFrames * bins);
  const outIm = new Float32Array(outFrames * bins);
  const accRe = new Float64Array(bins);
  const accIm = new Float64Array(bins);
  const { mag: slotMag, re: slotRe, im: slotIm } = slots;
  const first = slots.slot(0);
  accRe.set(slotRe[first]);
  accIm.set(slotIm[first]);
  for (let t = 0; t < outFrames; t++) {
    const step = t * rate;
    const i0 = Math.floor(step);
    const alpha = step - i0;
    const a = slots.slot(i0);
    const b = slots.slot(i0 + 1);
    const magA = slotMag[a];
    const magB = slotMag[b];
    const aRe = slotRe[a];
    const aIm = slotIm[a];
    const bRe = slotRe[b];
    const bIm = slotIm[b];
    const o = t * bins;
    for (let f = 0; f < bins; f++) {
      const m = (1 - alpha) * magA[f] + alpha * magB[f];
      const pr = accRe[f];
      const pi = accIm[f];
      outRe[o + f] = m * pr;
      outIm[o + f] = m * pi;
      // acc ← acc · u[i+1] · conj(u[i])
      const dr = bRe[f] * aRe[f] + bIm[f] * aIm[f];
      const di = bIm[f] * aRe[f] - bRe[f] * aIm[f];
      accRe[f] = pr * dr - pi * di;
      accIm[f] = pr * di + pi * dr;
    }
  }
  return { nFft: spec.nFft, bins, frames: outFrames, re: outRe, im: outIm };
}

/** {@link phaseVocoder} by kernels.c's phase_vocoder: the same operations, bit-identical output. */
function wasmPhaseVocoder(rt: WasmRuntime, spec: ComplexStft, rate: number, outFrames: number): ComplexStft {
  const { bins, frames } = spec;
  const re = rt.put(spec.re.subarray(0, frames * bins));
  const im = rt.put(spec.im.subarray(0, frames * bins));
  const slots = rt.allocF64(6 * bins);
  const acc = rt.allocF64(2 * bins);
  const outRe = rt.alloc(outFrames * bins);
  const outIm = rt.alloc(outFrames * bins);
  rt.kernels.phase_vocoder(bins, frames, rate, outFrames, re, im, slots, acc, outRe, outIm);
  const out: ComplexStft = {
    nFft: spec.nFft,
    bins,
    frames: outFrames,
    re: new Float32Array(outFrames * bins),
    im: new Float32Array(outFrames * bins),
  };
  out.re.set(rt.view(outRe, outFrames * bins));
  out.im.set(rt.view(outIm, outFrames * bins));
  return out;
}

/**
 * Magnitude and unit phasor (u = D/|D|, 1 where D = 0, as `np.angle(0) = 0`) of input frame i (librosa
 * pads two zero frames at the end), kept in two slots keyed by frame index: consecutive steps share frames,
 * and nothing frames × bins large is allocated. A class rather than a closure per call: V8 deoptimised
 * the vocoder on a fresh closure's call target and could leave it unoptimised (5× slower).
 */
class FrameSlots {
  readonly mag: Float64Array[];
  readonly re: Float64Array[];
  readonly im: Float64Array[];
  private readonly frame = [-1, -1];

  constructor(private readonly spec: ComplexStft) {
    const { bins } = spec;
    this.mag = [new Float64Array(bins), new Float64Array(bins)];
    this.re = [new Float64Array(bins), new Float64Array(bins)];
    this.im = [new Float64Array(bins), new Float64Array(bins)];
  }

  /** The slot (0 or 1) holding frame i, filled if it was not there. */
  slot(i: number): number {
    const { frame } = this;
    if (frame[0] === i) return 0;
    if (frame[1] === i) return 1;
    const k = frame[0] === i - 1 ? 1 : 0;
    frame[k] = i;
    const { bins, frames, re, im } = this.spec;
    const mag = this.mag[k];
    const ur = this.re[k];
    const ui = this.im[k];
    if (i >= frames) {
      mag.fill(0);
      ur.fill(1);
      ui.fill(0);
      return k;
    }
    for (let f = 0, o = i * bins; f < bins; f++, o++) {
      const r = re[o];
      const m = Math.sqrt(r * r + im[o] * im[o]);
      mag[f] = m;
      if (m > 0) {
        const inv = 1 / m;
        ur[f] = r * inv;
        ui[f] = im[o] * inv;
      } else {
        ur[f] = 1;
        ui[f] = 0;
      }
    }
    return k;
  }
}

function vocoderSettings(options: VocoderOptions): { nFft: number; hopLength: number } {
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? Math.floor(nFft / 4);
  checkParam(
    'phase vocoder',
    'nFft',
    nFft,
    Number.isInteger(nFft) && nFft >= 4 && nFft % 2 === 0,
    'an even integer >= 4',
  );
  checkParam(
    'phase vocoder',
    'hopLength',
    hopLength,
    Number.isInteger(hopLength) && hopLength >= 1 && hopLength <= nFft,
    'an integer in [1, nFft]',
  );
  return { nFft, hopLength };
}

/**
 * Stretch time by `rate` without changing pitch, as `librosa.effects.time_stretch(y, rate=rate)`:
 * rate > 1 speeds up (shorter), rate < 1 slows down. STFT (Hann, `nFft` 2048, hop 512, centred, zero
 * padding) → {@link phaseVocoder} → ISTFT to `round(n / rate)` samples (Python's round, half to even).
 * The output may exceed ±1 where the vocoder's phase changes build peaks (check with `clipReport`).
 */
export function timeStretch(y: Float32Array, rate: number, options: VocoderOptions = {}): Float32Array {
  checkParam('timeStretch', 'rate', rate, rate > 0, 'positive');
  checkWaveform('timeStretch', y);
  const { nFft, hopLength } = vocoderSettings(options);
  const length = roundHalfEven(y.length / rate);
  if (y.length === 0) return new Float32Array(0);
  const spec = stft(y, { nFft, hopLength });
  return istft(phaseVocoder(spec, rate), { hopLength, length });
}

/** A fraction p/q approximating a positive ratio. */
export interface Ratio {
  p: number;
  q: number;
}

/**
 * The fraction p/q with the smallest q whose value is within `toleranceCents` of `ratio` (q ≤ 20000).
 * Pitch shift and speed perturbation resample by such fractions, so the polyphase filter stays short
 * (20·max(p, q) + 1 taps) and the interval error is bounded: 0.01 cent is 1/1500 of the ±15-cent target.
 */
export function rationalApproximation(ratio: number, toleranceCents = 0.01): Ratio {
  checkParam('rationalApproximation', 'ratio', ratio, ratio > 0, 'positive');
  let best: Ratio = { p: Math.max(1, Math.round(ratio)), q: 1 };
  let bestError = Infinity;
  for (let q = 1; q <= 20000; q++) {
    const p = Math.max(1, Math.round(ratio * q));
    const error = Math.abs(1200 * Math.log2(p / q / ratio));
    if (error < bestError) {
      best = { p, q };
      bestError = error;
    }
    if (error <= toleranceCents) break;
  }
  return best;
}

/** Options of {@link pitchShift}. */
export interface PitchShiftOptions extends VocoderOptions {
  /** Steps per octave (librosa's `bins_per_octave`). Default 12 (semitones). */
  binsPerOctave?: number;
}

/**
 * Shift pitch by `nSteps` semitones keeping the duration, as `librosa.effects.pitch_shift(y, sr=sr,
 * n_steps=nSteps)`: time-stretch by 2^(-n/12), then resample by 2^(n/12) back to the original number of
 * samples (`fix_length`). Where librosa resamples with soxr_hq, this uses lib/audio's polyphase resampler
 * (scipy's `resample_poly`, Kaiser β=5 windowed sinc) at the fraction p/q nearest 2^(n/12) within 0.01 cent
 * (see {@link rationalApproximation}); the vocoder's rate is q/p exactly, so pitch and duration stay
 * consistent. The sample rate does not enter the computation.
 */
export function pitchShift(y: Float32Array, nSteps: number, options: PitchShiftOptions = {}): Float32Array {
  const perOctave = options.binsPerOctave ?? 12;
  checkParam(
    'pitchShift',
    'binsPerOctave',
    perOctave,
    Number.isInteger(perOctave) && perOctave >= 1,
    'a positive integer',
  );
  checkParam('pitchShift', 'nSteps', nSteps, Math.abs(nSteps) <= 4 * perOctave, `within ±${4 * perOctave}`);
  checkWaveform('pitchShift', y);
  if (nSteps === 0 || y.length === 0) return y.slice();
  const { p, q } = rationalApproximation(2 ** (nSteps / perOctave));
  const stretched = timeStretch(y, q / p, options);
  // Resample from rate p to rate q: the stretched signal, n·p/q long, comes back to n samples.
  const shifted = resample(stretched, p, q);
  return fixLength(shifted, y.length);
}

/** Speed perturbation options. */
export interface SpeedOptions {
  /** Allowed deviation of the realised factor from the requested one, in cents. Default 0.01. */
  toleranceCents?: number;
}

/**
 * Speed perturbation (Ko et al. 2015, Kaldi's `speed` augmentation): play the clip `factor` times faster,
 * changing duration by 1/factor and pitch by `factor` together, by resampling with lib/audio's polyphase
 * resampler at the fraction nearest `factor` (0.9 and 1.1 are exact). Output length `ceil(n / factor)`.
 */
export function speedPerturb(y: Float32Array, factor: number, options: SpeedOptions = {}): Float32Array {
  checkParam('speedPerturb', 'factor', factor, factor >= 0.25 && factor <= 4, 'in [0.25, 4]');
  checkWaveform('speedPerturb', y);
  if (factor === 1) return y.slice();
  const { p, q } = rationalApproximation(factor, options.toleranceCents ?? 0.01);
  return resample(y, p, q);
}
