/**
 * Meyda keeps its settings and filter banks on one module-level object and rebuilds a bank only when some
 * sizes change: a new sample rate is never noticed (bark scale, mel and chroma banks keep the old rate), a
 * new buffer size does not rebuild the chroma bank, and a mel bank with more MFCC coefficients than mel
 * bands is rebuilt on every call. Every Meyda caller in lib/features goes through {@link configureMeyda}
 * before each extraction, which sets the fields and drops the cached banks whenever the configuration
 * differs from the one they were built for — so several extractors with different rates or sizes can be
 * interleaved safely.
 */
import Meyda from 'meyda';

/** The Meyda settings lib/features uses. */
export interface MeydaSettings {
  sampleRate: number;
  /** Frame length, a power of two. */
  bufferSize: number;
  melBands: number;
  nMfcc: number;
  chromaBands?: number;
  /** Meyda's window name. Default 'hanning' (Meyda's symmetric Hann). */
  windowingFunction?: 'hanning' | 'hamming' | 'blackman' | 'sine' | 'rect';
}

let builtFor = '';

/** Point Meyda at `settings`, discarding any filter bank built for other settings. */
export function configureMeyda(settings: MeydaSettings): typeof Meyda {
  if (settings.bufferSize < 2 || (settings.bufferSize & (settings.bufferSize - 1)) !== 0)
    throw new Error(`Meyda needs a power-of-two frame length, got ${settings.bufferSize}`);
  const chromaBands = settings.chromaBands ?? 12;
  const melBands = Math.max(settings.melBands, settings.nMfcc);
  const key = `${settings.sampleRate}/${settings.bufferSize}/${melBands}/${settings.nMfcc}/${chromaBands}`;
  const m = Meyda as unknown as Record<string, unknown>;
  m.bufferSize = settings.bufferSize;
  m.sampleRate = settings.sampleRate;
  m.numberOfMFCCCoefficients = settings.nMfcc;
  // Meyda sizes its mel bank max(melBands, nMfcc) and compares it with melBands: keep them equal.
  m.melBands = melBands;
  m.chromaBands = chromaBands;
  m.windowingFunction = settings.windowingFunction ?? 'hanning';
  if (key !== builtFor) {
    delete m.melFilterBank;
    delete m.chromaFilterBank;
    delete m.barkScale;
    builtFor = key;
  }
  return Meyda;
}
