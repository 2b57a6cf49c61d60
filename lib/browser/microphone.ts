/**
 * Microphone capture for the browser demo: getUserMedia → an AudioWorklet that mixes the input channels to
 * mono at the device rate → overlapping windows, each handed to the page (which resamples it to the model's
 * rate with lib/audio's resampler). Windows quieter than a threshold are reported as silence, not predicted.
 */

/** Cuts a stream of chunks into windows of `size` samples every `hop` samples (the first once `size` arrived). */
export class SlidingWindow {
  private readonly buffer: Float32Array;
  private filled = 0;
  private sinceLast = 0;

  constructor(
    readonly size: number,
    readonly hop: number,
  ) {
    if (!(Number.isInteger(size) && size > 0 && Number.isInteger(hop) && hop > 0))
      throw new Error(`SlidingWindow: size and hop must be positive integers (got ${size}, ${hop})`);
    this.buffer = new Float32Array(size);
  }

  /** Append `chunk`; returns the windows (copies, oldest first) completed by it. */
  push(chunk: Float32Array): Float32Array[] {
    const windows: Float32Array[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.filled < this.size) {
        const take = Math.min(this.size - this.filled, chunk.length - at);
        this.buffer.set(chunk.subarray(at, at + take), this.filled);
        this.filled += take;
        at += take;
        if (this.filled === this.size) windows.push(this.buffer.slice());
      } else {
        // Slide by at most what is left of the hop, so every window ends exactly on a hop boundary.
        const take = Math.min(this.hop - this.sinceLast, chunk.length - at);
        this.buffer.copyWithin(0, take);
        this.buffer.set(chunk.subarray(at, at + take), this.size - take);
        this.sinceLast += take;
        at += take;
        if (this.sinceLast === this.hop) {
          windows.push(this.buffer.slice());
          this.sinceLast = 0;
        }
      }
    }
    return windows;
  }
}

/** Root-mean-square level of a signal in dBFS (−∞ for digital silence). */
export function levelDb(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return 10 * Math.log10(sum / Math.max(1, samples.length));
}

// Runs on the audio rendering thread; posts 4096-sample mono chunks (the average of the input channels).
const TAP_PROCESSOR = `
class SerTap extends AudioWorkletProcessor {
  constructor() { super(); this.chunk = new Float32Array(4096); this.n = 0; }
  process(inputs) {
    const channels = inputs[0];
    if (channels.length === 0) return true;
    const frames = channels[0].length;
    for (let i = 0; i < frames; i++) {
      let s = 0;
      for (const c of channels) s += c[i];
      this.chunk[this.n++] = s / channels.length;
      if (this.n === this.chunk.length) { this.port.postMessage(this.chunk); this.chunk = new Float32Array(4096); this.n = 0; }
    }
    return true;
  }
}
registerProcessor('ser-tap', SerTap);
`;

/** A running microphone capture; {@link stop} releases the device. */
export interface MicrophoneCapture {
  /** The device rate the windows are sampled at. */
  sampleRate: number;
  stop(): Promise<void>;
}

/**
 * Capture the default microphone and call `onWindow` with every window of `windowSeconds` (mono, device
 * rate), one every `hopSeconds`.
 */
export async function startMicrophone(
  windowSeconds: number,
  hopSeconds: number,
  onWindow: (samples: Float32Array, sampleRate: number) => void,
): Promise<MicrophoneCapture> {
  // Echo cancellation, noise suppression and gain control reshape the spectrum the model was trained on.
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const context = new AudioContext();
  const url = URL.createObjectURL(new Blob([TAP_PROCESSOR], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const source = context.createMediaStreamSource(stream);
  const tap = new AudioWorkletNode(context, 'ser-tap');
  // A node only renders when it leads to the destination; the muted gain keeps the speakers silent.
  const mute = context.createGain();
  mute.gain.value = 0;
  source.connect(tap).connect(mute).connect(context.destination);
  const rate = context.sampleRate;
  const windows = new SlidingWindow(Math.round(windowSeconds * rate), Math.round(hopSeconds * rate));
  tap.port.onmessage = (event: MessageEvent<Float32Array>) => {
    for (const w of windows.push(event.data)) onWindow(w, rate);
  };
  return {
    sampleRate: rate,
    async stop() {
      tap.port.onmessage = null;
      source.disconnect();
      for (const track of stream.getTracks()) track.stop();
      await context.close();
    },
  };
}
