/**
 * An energy and zero-crossing voice-activity detector for streams, with onset confirmation and a hangover.
 * Browser-safe (no Node imports).
 *
 * Each 25 ms frame (10 ms hop) gets its RMS level in dBFS and its zero-crossing rate. A frame is a speech
 * candidate when it is louder than `minLevelDb` (−50 dBFS: room tone and low-level hiss stay out) and at
 * least `marginDb` (12 dB) above the tracked noise floor; noise-like frames (ZCR above `maxZcr`, 0.35:
 * white noise crosses zero about half the time, voiced speech far less often) need `strongMarginDb`
 * (20 dB) so that strong fricatives still count. Speech starts after `onsetFrames` (3, 30 ms) candidates in a
 * row (clicks do not), those frames included, and lasts until `hangoverSeconds` (0.3 s) without a candidate
 * (pauses between words do not split an utterance).
 *
 * The noise floor starts at the first frame's level, capped at −40 dBFS (a stream that opens on speech must
 * not take speech for the floor); it follows quieter frames down at once and rises at `floorRiseDbPerSecond`
 * (3 dB/s) otherwise, so a steady noise becomes the floor within seconds while speech, far above it, moves it
 * little.
 */

export interface VadOptions {
  /** Frame length, seconds. Default 0.025. */
  frameSeconds?: number;
  /** Frame hop, seconds. Default 0.01. */
  hopSeconds?: number;
  /** Frames quieter than this (dBFS RMS) are never speech. Default −50. */
  minLevelDb?: number;
  /** A candidate is at least this far above the noise floor (dB). Default 12. */
  marginDb?: number;
  /** Frames with a zero-crossing rate above this are noise-like. Default 0.35. */
  maxZcr?: number;
  /** Margin a noise-like frame needs (dB). Default 20. */
  strongMarginDb?: number;
  /** Consecutive candidates that start speech. Default 3. */
  onsetFrames?: number;
  /** Speech lasts this long after its last candidate (seconds). Default 0.3. */
  hangoverSeconds?: number;
  /** Rise of the noise floor while frames are louder than it (dB per second). Default 3. */
  floorRiseDbPerSecond?: number;
}

export const VAD_DEFAULTS: Required<VadOptions> = {
  frameSeconds: 0.025,
  hopSeconds: 0.01,
  minLevelDb: -50,
  marginDb: 12,
  maxZcr: 0.35,
  strongMarginDb: 20,
  onsetFrames: 3,
  hangoverSeconds: 0.3,
  floorRiseDbPerSecond: 3,
};

const FLOOR_START_CAP_DB = -40;
const SILENCE_DB = -120;

/**
 * Frame-by-frame speech decisions. Frame i covers samples [i·hop, i·hop + frame). A frame's decision is
 * final once {@link VoiceActivityDetector.decided} exceeds its index (onset confirmation looks
 * `onsetFrames − 1` frames ahead); decisions of frames before {@link VoiceActivityDetector.forget}'s
 * argument are dropped to bound memory.
 */
export class VoiceActivityDetector {
  readonly options: Required<VadOptions>;
  readonly frameLength: number;
  readonly hopLength: number;
  private readonly hangoverFrames: number;
  private readonly floorRisePerFrame: number;
  /** Samples not yet consumed by a complete frame; `pending[0]` is sample `pendingStart`. */
  private pending: Float32Array = new Float32Array(0);
  private pendingStart = 0;
  private frames = 0;
  private floor = Number.NaN;
  private run = 0;
  private sinceCandidate = Infinity;
  private speaking = false;
  /** Decisions from frame `flagsStart` on: 0 silence, 1 speech held by the hangover, 2 speech. */
  private flags: number[] = [];
  private flagsStart = 0;

  constructor(
    readonly sampleRate: number,
    options: VadOptions = {},
  ) {
    this.options = { ...VAD_DEFAULTS, ...options };
    this.frameLength = Math.max(1, Math.round(this.options.frameSeconds * sampleRate));
    this.hopLength = Math.max(1, Math.round(this.options.hopSeconds * sampleRate));
    this.hangoverFrames = Math.round(this.options.hangoverSeconds / this.options.hopSeconds);
    this.floorRisePerFrame = this.options.floorRiseDbPerSecond * this.options.hopSeconds;
  }

  /** Frames whose decision is final. */
  get decided(): number {
    return this.speaking || this.run === 0 ? this.frames : this.frames - this.run;
  }

  /** Whether frame `i` (final, not forgotten) is speech. */
  isSpeech(i: number): boolean {
    return this.flags[i - this.flagsStart] > 0;
  }

  /** Whether speech frame `i` is itself loud enough (not only held by the hangover). */
  isCandidate(i: number): boolean {
    return this.flags[i - this.flagsStart] === 2;
  }

  /** Drop decisions of frames before `frame`. */
  forget(frame: number): void {
    const n = Math.min(frame - this.flagsStart, this.flags.length);
    if (n > 0) {
      this.flags.splice(0, n);
      this.flagsStart += n;
    }
  }

  /** Seconds at the start of frame `i`. */
  frameStart(i: number): number {
    return (i * this.hopLength) / this.sampleRate;
  }

  /** Feed samples (mono, at `sampleRate`). */
  push(samples: Float32Array): void {
    const buf = new Float32Array(this.pending.length + samples.length);
    buf.set(this.pending);
    buf.set(samples, this.pending.length);
    let at = this.frames * this.hopLength - this.pendingStart;
    while (at + this.frameLength <= buf.length) {
      this.decide(buf.subarray(at, at + this.frameLength));
      at += this.hopLength;
    }
    const keep = this.frames * this.hopLength - this.pendingStart;
    this.pending = buf.slice(Math.min(keep, buf.length));
    this.pendingStart += Math.min(keep, buf.length);
  }

  /** End of stream: frames still waiting for onset confirmation are not speech. */
  finish(): void {
    this.run = 0;
  }

  private decide(frame: Float32Array): void {
    let energy = 0;
    let crossings = 0;
    for (let i = 0; i < frame.length; i++) {
      energy += frame[i] * frame[i];
      if (i > 0 && frame[i] >= 0 !== frame[i - 1] >= 0) crossings++;
    }
    const rms = Math.sqrt(energy / frame.length);
    const db = rms > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(rms)) : SILENCE_DB;
    const zcr = crossings / frame.length;
    const o = this.options;
    if (Number.isNaN(this.floor)) this.floor = Math.min(db, FLOOR_START_CAP_DB);
    const margin = zcr > o.maxZcr ? o.strongMarginDb : o.marginDb;
    const candidate = db > o.minLevelDb && db > this.floor + margin;
    this.floor = db < this.floor ? db : Math.min(db, this.floor + this.floorRisePerFrame);
    this.flags.push(0);
    this.frames++;
    if (candidate) {
      this.sinceCandidate = 0;
      this.run++;
      if (!this.speaking && this.run >= o.onsetFrames) {
        this.speaking = true;
        for (let k = 1; k <= this.run; k++) this.flags[this.flags.length - k] = 2;
      }
    } else {
      this.sinceCandidate++;
      this.run = 0;
      if (this.speaking && this.sinceCandidate > this.hangoverFrames) this.speaking = false;
    }
    if (this.speaking) this.flags[this.flags.length - 1] = candidate ? 2 : 1;
  }
}

/** Seconds of speech the detector finds in a whole signal (mono, at `sampleRate`), as a stream would. */
export function speechSeconds(samples: Float32Array, sampleRate: number, options: VadOptions = {}): number {
  const vad = new VoiceActivityDetector(sampleRate, options);
  vad.push(samples);
  vad.finish();
  let frames = 0;
  for (let i = 0; i < vad.decided; i++) if (vad.isSpeech(i)) frames++;
  return (frames * vad.hopLength) / sampleRate;
}
