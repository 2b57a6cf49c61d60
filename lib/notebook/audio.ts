/**
 * Audio players for notebook outputs: a clip as an `<audio controls>` element with the sound inline as
 * a WAV data URL, so that the player works in the live notebook and in the exported HTML report alike.
 *
 * Clips are made small before they are embedded (resampled to 16 kHz, 16-bit, silence trimmed, at most a
 * few seconds): about 32 kB of WAV (43 kB of base64) per second of sound.
 */
import { encodeWav } from '../audio/encode';
import { resample } from '../audio/resample';
import { trim } from '../audio/trim';
import { escapeHtml } from '../viz/html';

/** Options of {@link audioClipHtml}. */
export interface AudioClipOptions {
  /** Rate the embedded clip is resampled to (Hz). Default 16000: speech stays intelligible, the page small. */
  sampleRate?: number;
  /** Longest embedded clip in seconds (after trimming); longer clips are cut. Default 4. */
  maxSeconds?: number;
  /**
   * Trim leading and trailing silence quieter than this many dB below the clip's peak (librosa's
   * `effects.trim`), or null to keep it. Default 40.
   */
  trimTopDb?: number | null;
  /** Text shown beside the player (e.g. "angry · OAF · 'back'"). */
  caption?: string;
}

/** The clip as it will be embedded: resampled, trimmed, cut, and clipped to ±1. */
export function audioClipSamples(
  samples: Float32Array,
  sampleRate: number,
  options: AudioClipOptions = {},
): { samples: Float32Array; sampleRate: number } {
  const rate = options.sampleRate ?? 16000;
  const maxSeconds = options.maxSeconds ?? 4;
  if (!(maxSeconds > 0)) throw new Error(`audioClipSamples: maxSeconds must be positive, got ${maxSeconds}`);
  const topDb = options.trimTopDb === undefined ? 40 : options.trimTopDb;
  const kept = topDb === null || samples.length === 0 ? samples : trim(samples, { topDb }).samples;
  const resampled = sampleRate === rate ? kept : resample(kept, sampleRate, rate);
  const cut = resampled.subarray(0, Math.min(resampled.length, Math.round(maxSeconds * rate)));
  // The resampler may overshoot ±1 slightly at a peak; clip rather than wrap in the 16-bit encoding.
  return { samples: cut.map((v) => Math.max(-1, Math.min(1, v))), sampleRate: rate };
}

/**
 * An HTML audio player for a mono clip. The level is left as it is (no normalisation): loudness is one
 * of the cues of emotion, so an angry clip should sound louder than a sad one.
 */
export function audioClipHtml(
  samples: Float32Array,
  sampleRate: number,
  options: AudioClipOptions = {},
): string {
  const clip = audioClipSamples(samples, sampleRate, options);
  const base64 = Buffer.from(encodeWav([clip.samples], clip.sampleRate)).toString('base64');
  const seconds = (clip.samples.length / clip.sampleRate).toFixed(2);
  const caption = options.caption ? `${escapeHtml(options.caption)} · ` : '';
  return (
    `<div class="ser-audio" style="display:flex;align-items:center;gap:10px;margin:4px 0">` +
    `<audio controls preload="metadata" src="data:audio/wav;base64,${base64}"></audio>` +
    `<span style="font-size:90%">${caption}${seconds} s</span></div>`
  );
}
