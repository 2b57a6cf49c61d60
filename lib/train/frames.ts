/** Fixed frame counts of sequence inputs, shared by training and prediction (Node and the browser demo). */

/** The centre `frames` frames of a longer frames × dims sequence, as a view (no copy); shorter ones as they are. */
export function cropFrames(sequence: Float32Array, dims: number, frames: number): Float32Array {
  const have = sequence.length / dims;
  if (have <= frames) return sequence;
  const start = Math.floor((have - frames) / 2);
  return sequence.subarray(start * dims, (start + frames) * dims);
}

/** Centre-crop or zero-pad a frames × dims sequence to `frames` frames. */
export function fixFrames(sequence: Float32Array, dims: number, frames: number): Float32Array {
  const have = sequence.length / dims;
  if (have === frames) return sequence;
  const out = new Float32Array(frames * dims);
  out.set(cropFrames(sequence, dims, frames));
  return out;
}
