/** Containers that {@link decodeAudio} recognises by their magic bytes (never by file extension). */
export type AudioContainer = 'wav' | 'aiff' | 'flac';

/**
 * How samples are stored in the file. `pcm8u` is the unsigned 8-bit of WAV; the other PCM codes are
 * signed two's-complement of that storage width (samples with fewer valid bits are left-justified in it).
 */
export type SampleEncoding = 'pcm8u' | 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';

/** A decoded file: every channel as float32 in [-1, 1) for PCM (float files keep their values, even beyond ±1). */
export interface DecodedAudio {
  /** Samples per second per channel, as stored in the file. */
  sampleRate: number;
  /** One array per channel, all of the same length. */
  channels: Float32Array[];
  container: AudioContainer;
  encoding: SampleEncoding;
  /** Set when the file ends before the length its header declares: the frames it declares per channel. */
  declaredFrames?: number;
}

/** A mono signal and its rate: what every later stage (features, augmentation) consumes. */
export interface MonoAudio {
  samples: Float32Array;
  sampleRate: number;
}
