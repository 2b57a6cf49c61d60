/**
 * Tiny generated corpora with the real naming conventions (for corpora that are not in the workspace:
 * CREMA-D, SAVEE, EmoDB), written into a temp folder. Every clip is a short, distinct tone so that decoding
 * works and content hashes differ unless a test asks for a copy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeWav } from '../../lib/audio';

/** A fresh temp folder. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** 16-bit mono WAV bytes: `seconds` of a sine at `hz`. */
export function toneWav(hz: number, seconds = 0.05, sampleRate = 16000): Uint8Array {
  const n = Math.round(seconds * sampleRate);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * hz * i) / sampleRate);
  return encodeWav([x], sampleRate);
}

/**
 * Write `files` (paths relative to `dir`) as distinct tones, or as the given text for non-audio names
 * (`.txt`, `.csv`). Returns the absolute paths in the given order.
 */
export function writeFixtureFiles(dir: string, files: readonly string[], text: Record<string, string> = {}): string[] {
  return files.map((rel, i) => {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    const t = text[rel];
    fs.writeFileSync(full, t !== undefined ? t : toneWav(200 + 10 * i));
    return full;
  });
}
