import * as fs from 'node:fs';
import { decodeAudio } from './decode';
import { AudioError } from './errors';
import { prepareAudio, type LoadedAudio, type LoadOptions } from './prepare';
import type { DecodedAudio } from './types';

export * from './prepare';

function fsError(err: unknown, path: string): AudioError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new AudioError('not-found', path, 'no such file');
  if (code === 'EISDIR') return new AudioError('not-found', path, 'is a directory, not an audio file');
  if (code === 'EACCES' || code === 'EPERM') return new AudioError('unreadable', path, 'permission denied');
  return new AudioError('unreadable', path, `cannot read file (${code ?? (err as Error).message})`);
}

/** Read and decode a file without any conversion (all channels, native rate). */
export function readAudioFileSync(path: string): DecodedAudio {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch (err) {
    throw fsError(err, path);
  }
  return decodeAudio(bytes, path);
}

/** Async {@link readAudioFileSync}. */
export async function readAudioFile(path: string): Promise<DecodedAudio> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(path);
  } catch (err) {
    throw fsError(err, path);
  }
  return decodeAudio(bytes, path);
}

/**
 * Load a file as a mono float32 signal, like `librosa.load(path, sr=22050, mono=True,
 * res_type='polyphase')`: WAV (PCM/float), AIFF/AIFF-C, any rate, any channel count.
 *
 * @throws {AudioError} one-line message naming the path: missing file, unreadable, unsupported or
 *   corrupt audio, bad option
 */
export function loadAudioSync(path: string, options: LoadOptions = {}): LoadedAudio {
  return prepareAudio(readAudioFileSync(path), path, options);
}

/** Async {@link loadAudioSync} (file read off the main thread; decoding and resampling are synchronous). */
export async function loadAudio(path: string, options: LoadOptions = {}): Promise<LoadedAudio> {
  return prepareAudio(await readAudioFile(path), path, options);
}
