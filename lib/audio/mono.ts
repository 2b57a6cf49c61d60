import { AudioError } from './errors';

/**
 * Average the channels into one, as `librosa.to_mono` does (float32 running sum over channels, then a
 * float32 division, so results match numpy bit for bit). A single channel is returned as is, not copied.
 *
 * @throws {AudioError} `bad-option` when there are no channels or their lengths differ
 */
export function toMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) throw new AudioError('bad-option', 'toMono', 'no channels given', false);
  if (channels.length === 1) return channels[0];
  const length = channels[0].length;
  if (channels.some((c) => c.length !== length)) {
    throw new AudioError(
      'bad-option',
      'toMono',
      `channel lengths differ (${channels.map((c) => c.length).join(', ')})`,
      false,
    );
  }
  const mono = new Float32Array(length);
  const count = channels.length;
  for (let i = 0; i < length; i++) {
    let sum = channels[0][i];
    for (let c = 1; c < count; c++) sum = Math.fround(sum + channels[c][i]);
    mono[i] = sum / count;
  }
  return mono;
}
