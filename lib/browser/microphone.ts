/**
 * Microphone capture for the browser demo: getUserMedia → an AudioWorklet that mixes the input channels to
 * mono at the device rate → chunks handed to the page, which feeds them to lib/infer's EmotionStream (the
 * resampling, voice activity, windows and running normaliser of `ser stream`).
 */

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

/** Capture the default microphone; `onChunk` gets its mono samples at the device rate as they arrive. */
export async function startMicrophone(
  onChunk: (samples: Float32Array, sampleRate: number) => void,
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
  tap.port.onmessage = (event: MessageEvent<Float32Array>) => onChunk(event.data, rate);
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
