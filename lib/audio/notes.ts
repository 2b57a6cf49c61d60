/**
 * Notes on audio unlike the training recordings: a telephone rate, many channels, a silent channel in a
 * multi-channel file, a file shorter than its header says. Browser-safe; `ser predict`, `ser stream` and the
 * demo page print the same sentences.
 */
import type { DecodedAudio } from './types';

/** Below this native rate a recording lacks the upper speech band the corpora were recorded with. */
export const NARROWBAND_HZ = 16000;

/** Notes that follow from the rate and channel count alone (raw PCM streams know no more). */
export function formatNotes(rate: number, channels: number): string[] {
  const notes: string[] = [];
  if (rate < NARROWBAND_HZ)
    notes.push(
      `${rate} Hz audio has nothing above ${rate / 2} Hz; the model learned from wideband speech, expect lower accuracy`,
    );
  if (channels > 2) notes.push(`${channels} channels mixed down to mono`);
  return notes;
}

/** Channels (0-based) holding only digital silence, exact zeros. */
export function silentChannels(channels: readonly Float32Array[]): number[] {
  if (channels.length < 2) return [];
  return channels.flatMap((c, i) => (c.every((x) => x === 0) ? [i] : []));
}

/** The note for silent channels among `count`, or none when there are none (or all are silent). */
export function silentChannelNote(silent: number[], count: number): string[] {
  if (silent.length === 0 || silent.length === count) return [];
  const db = 20 * Math.log10(count / (count - silent.length));
  const which = silent.map((i) => i + 1).join(', ');
  return [
    `channel${silent.length > 1 ? 's' : ''} ${which} of ${count} silent: the mono mix is ${db.toFixed(1)} dB quieter than the others`,
  ];
}

/** The note for a file that ends before the length its header declares. */
export function truncationNote(frames: number, declaredFrames: number | undefined, rate: number): string[] {
  if (declaredFrames === undefined || declaredFrames <= frames) return [];
  return [
    `truncated: the file holds ${(frames / rate).toFixed(2)} s of the ${(declaredFrames / rate).toFixed(2)} s its header declares`,
  ];
}

/** Every note on a decoded file. */
export function audioNotes(audio: DecodedAudio): string[] {
  const frames = audio.channels[0]?.length ?? 0;
  return [
    ...formatNotes(audio.sampleRate, audio.channels.length),
    ...silentChannelNote(silentChannels(audio.channels), audio.channels.length),
    ...truncationNote(frames, audio.declaredFrames, audio.sampleRate),
  ];
}
