/** Fixed frame counts of sequence inputs, shared by training and prediction (Node and the browser demo). */

/** Centre-crop or zero-pad a frames × dims sequence to `frames` frames. */
export function fixFrames(sequence: Float32Array, dims: number, frames: number): Float32Array {
  const have = sequence.length / dims;
  if (have === frames) return sequence;
  const out = new Float32Array(frames * dims);
  if (have > frames) {
    const start = Math.floor((have - frames) / 2);
    out.set(sequence.subarray(start * dims, (start + frames) * dims));
  } else out.set(sequence);
  return out;
}
