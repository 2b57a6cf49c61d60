/**
 * A small, clearly labelled SYNTHETIC sample so that a fresh user without any corpus still gets a working
 * quick start. Speech comes from Debian's espeak-ng with emotion-like prosody (rate, pitch, pitch range,
 * loudness) per class; without espeak-ng a harmonic "vowel" synthesiser stands in. It is a smoke test of the
 * pipeline, not a benchmark: accuracy on it says nothing about real emotional speech.
 *
 * Layout follows TESS (`synthetic/<SPK>_<emotion>/<SPK>_<word>_<emotion>.wav`) so the same loader reads it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../util/rng';
import { writeFileAtomic } from '../util/atomic';

/** Prosody per emotion: espeak-ng words/min, pitch 0–99, amplitude 0–200; `range` (0–99) shapes the fallback's contour. */
const PROSODY: Record<string, { speed: number; pitch: number; range: number; amp: number }> = {
  neutral: { speed: 160, pitch: 45, range: 30, amp: 100 },
  happy: { speed: 185, pitch: 70, range: 85, amp: 130 },
  sad: { speed: 115, pitch: 25, range: 10, amp: 70 },
  angry: { speed: 200, pitch: 55, range: 60, amp: 190 },
  fear: { speed: 210, pitch: 85, range: 45, amp: 90 },
  disgust: { speed: 125, pitch: 30, range: 40, amp: 110 },
  ps: { speed: 170, pitch: 90, range: 99, amp: 140 },
};
const FOLDER_NAME: Record<string, string> = { ps: 'pleasant_surprise' };
/** Two synthetic "speakers" (espeak-ng voice variants), so a speaker-independent split is possible. */
const SPEAKERS: { id: string; voice: string; pitchShift: number }[] = [
  { id: 'SYNA', voice: 'en+f3', pitchShift: 0 },
  { id: 'SYNB', voice: 'en+f4', pitchShift: 8 },
];
const WORDS = [
  'back', 'bar', 'base', 'bath', 'bean', 'beg', 'bite', 'boat', 'bone', 'book', 'burn', 'cab', 'calm',
  'came', 'chain', 'chair', 'chalk', 'cheek', 'chief', 'choice',
];

export interface SyntheticOptions {
  /** Words per speaker and emotion (default 20, the maximum). */
  words?: number;
  /** Seed for the fallback synthesiser's jitter (default 1). */
  seed?: number;
}

export interface SyntheticResult {
  dir: string;
  files: number;
  engine: 'espeak-ng' | 'harmonic';
}

function hasEspeak(): boolean {
  return spawnSync('espeak-ng', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** 16-bit PCM mono WAV bytes. */
function pcm16Wav(samples: Float32Array, sampleRate: number): Buffer {
  const buf = Buffer.alloc(44 + samples.length * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + samples.length * 2, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    buf.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767), 44 + 2 * i);
  }
  return buf;
}

/** Fallback: a vowel-like harmonic tone whose pitch, contour, tempo and loudness follow the prosody table. */
function harmonicUtterance(emotion: string, pitchShift: number, rng: Rng, sampleRate: number): Float32Array {
  const p = PROSODY[emotion];
  const seconds = 0.6 + (160 / p.speed) * 0.9 + rng.next() * 0.2;
  const n = Math.round(seconds * sampleRate);
  const out = new Float32Array(n);
  const f0 = 120 + p.pitch * 2.2 + pitchShift * 3;
  const syllables = Math.max(2, Math.round((p.speed / 60) * seconds * 0.8));
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const contour = 1 + (p.range / 100) * 0.25 * Math.sin((2 * Math.PI * t) / seconds + rng.next() * 0.01);
    phase += (2 * Math.PI * f0 * contour) / sampleRate;
    let s = 0;
    for (let h = 1; h <= 8; h++) s += Math.sin(h * phase) / h;
    const syl = Math.max(0, Math.sin((Math.PI * t * syllables) / seconds));
    out[i] = 0.25 * (p.amp / 200) * syl * s;
  }
  return out;
}

/**
 * Write the synthetic sample under `root/synthetic` (skipped if already complete) and return where it is.
 * 2 speakers × 7 emotions × `words` words.
 */
export function generateSyntheticSample(root: string, options: SyntheticOptions = {}): SyntheticResult {
  const words = WORDS.slice(0, Math.max(1, Math.min(WORDS.length, options.words ?? WORDS.length)));
  const dir = path.join(root, 'synthetic');
  const engine = hasEspeak() ? 'espeak-ng' : 'harmonic';
  const rng = new Rng(options.seed ?? 1);
  let files = 0;
  for (const spk of SPEAKERS) {
    for (const [emotion, p] of Object.entries(PROSODY)) {
      const folder = path.join(dir, `${spk.id}_${FOLDER_NAME[emotion] ?? emotion}`);
      fs.mkdirSync(folder, { recursive: true });
      for (const word of words) {
        const file = path.join(folder, `${spk.id}_${word}_${emotion}.wav`);
        files++;
        if (fs.existsSync(file)) continue;
        if (engine === 'espeak-ng') {
          const tmp = `${file}.tmp-${process.pid}`;
          const args = ['-v', spk.voice, '-s', String(p.speed), '-p', String(Math.min(99, p.pitch + spk.pitchShift))];
          args.push('-a', String(p.amp), '-w', tmp, `Say the word ${word}`);
          const r = spawnSync('espeak-ng', args, { stdio: 'ignore' });
          if (r.status !== 0) throw new Error(`espeak-ng failed for ${file}`);
          fs.renameSync(tmp, file);
        } else {
          writeFileAtomic(file, pcm16Wav(harmonicUtterance(emotion, spk.pitchShift, rng, 16000), 16000));
        }
      }
    }
  }
  // No README beside the clips: the corpus loader reports every non-audio file as skipped. The folder name,
  // the SYN* speakers and the quick start's message say that this is synthetic.
  fs.rmSync(path.join(dir, 'README.txt'), { force: true });
  return { dir, files, engine };
}
