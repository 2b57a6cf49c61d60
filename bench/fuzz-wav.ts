/**
 * Fuzz: feed damaged real audio files to decodeAudio and check that every case either decodes to a
 * well-formed result or throws an AudioError; anything else is a crash, and a case that runs past its
 * time budget is a hang. Cases are derived from real corpus files (TESS WAV with and without LIST
 * chunks, float32 WAV, AIFF, stereo RAVDESS, FLAC from the shared corpus, and real samples re-encoded as
 * 8/24/32-bit, float64 and WAVE_FORMAT_EXTENSIBLE) by random bytes, truncation at every kind of
 * boundary, bit flips, chunk-size lies, huge or zero header fields and byte splices. The `header` kind
 * sets one deliberate bad header (a rate of 1 Hz to 0xFFFFFFFF, 257 to 65535 channels, data cut short, a
 * zeroed channel) and runs what `ser predict` does before its model (header and rate checks, reading up to
 * the clip limit or every block of longer audio, notes): each must give its own one-line message, or its
 * note; anything else is `invalid`.
 *
 * Cases run in a worker thread so a hang can be stopped (the watchdog terminates the worker and starts
 * a fresh one after the hanging case). Case i is a pure function of (--seed, i): rerun one with
 * `--from i --cases 1`.
 *
 *   npx tsc -p . && node dist/bench/fuzz-wav.js [--cases 10000] [--seed 1] [--from 0] [--budget-ms 2000] [--load]
 *
 * `--load` also runs every successful decode through prepareAudio (mono + resample to 16 kHz, what
 * loadAudio does), where a damaged header's sample rate meets the resampler.
 *
 * Prints one JSON object: {cases, ok, typedErrors, crashes, hangs, invalid, byKind, failures, ...}.
 * `invalid` counts decodes that returned but broke the DecodedAudio contract, and header cases without their
 * message (counted apart from crashes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  AudioError,
  audioNotes,
  checkPlausibleRate,
  decodeAudio,
  encodeWav,
  openAudio,
  prepareAudio,
  truncationNote,
  type DecodedAudio,
  type WavEncoding,
} from '../lib/audio';
import { noSamples } from '../lib/audio/decode';
import { routeAudio } from '../lib/infer/long-audio';
import { resolveDataRoot } from '../lib/data/root';
import { projectRoot } from '../lib/util/paths';
import { Rng } from '../lib/util/rng';

/** A real file to mutate, with where its chunk headers and header fields are. */
interface SeedFile {
  name: string;
  bytes: Uint8Array;
  /** Offsets of 32-bit (or FLAC 24-bit) size fields: RIFF/FORM size, every chunk or metadata block size. */
  sizeFields: { at: number; width: 3 | 4; littleEndian: boolean }[];
  /** Header fields worth setting to extreme values (channels, rate, bits, frame counts, offsets). */
  headerFields: { at: number; width: 1 | 2 | 4 | 8; littleEndian: boolean }[];
  /** Byte offsets where a truncation is most interesting: chunk starts, ends, field edges. */
  boundaries: number[];
}

const KINDS = [
  'random-bytes',
  'magic-then-random',
  'truncate',
  'bit-flip',
  'chunk-size-lie',
  'huge-field',
  'splice',
  'combined',
  'header',
] as const;
type Kind = (typeof KINDS)[number];

type Outcome = 'ok' | 'typedError' | 'crash' | 'hang' | 'invalid';

interface CaseResult {
  index: number;
  kind: Kind;
  seed: string;
  outcome: Outcome;
  /** Error code for typed errors; name and message for crashes and hangs; what was wrong for invalid. */
  detail: string;
}

export interface FuzzOptions {
  /** Number of cases. Default 10000. */
  cases?: number;
  /** First case index (to rerun one case). Default 0. */
  from?: number;
  /** Base seed of the per-case random streams. Default 1. */
  seed?: number;
  /** Wall-clock budget per case before it counts as a hang, in ms. Default 2000. */
  budgetMs?: number;
  /** Also mix to mono and resample every successful decode to 16 kHz (loadAudio's path). Default false. */
  load?: boolean;
}

export interface FuzzReport {
  bench: 'fuzz-wav';
  cases: number;
  ok: number;
  typedErrors: number;
  crashes: number;
  hangs: number;
  invalid: number;
  seconds: number;
  budgetMs: number;
  stage: 'decode' | 'decode+resample';
  seeds: string[];
  errorCodes: Record<string, number>;
  byKind: Record<string, Record<Outcome, number>>;
  /** The first 20 cases that crashed, hung or broke the contract. */
  failures: CaseResult[];
}

// ---------------------------------------------------------------- seed files

/** The corpus files the cases start from (relative to the data root, or to the shared FLAC corpus). */
const REAL_FILES = [
  'tess/OAF_angry/OAF_bar_angry.wav', // int16, LIST chunk after data
  'tess/YAF_happy/YAF_back_happy.wav', // int16, plain
  'tess/OAF_angry/OAF_back_angry.wav', // float32 with a fact chunk
  'tess/YAF_angry/YAF_germ_angry.wav', // AIFF behind a .wav name
  'ravdess/Actor_01/03-01-02-01-01-02-01.wav', // stereo
];
const SHARED_FLAC = 'tess/OAF_angry/OAF_bar_angry.flac';
/** Encodings real samples are re-encoded to, so every WAV decoder path gets damaged inputs. */
const REENCODED: WavEncoding[] = ['pcm8u', 'pcm24', 'pcm32', 'float64'];

function sharedDatasetsDir(): string {
  return process.env.SER_SHARED_DATASETS || path.resolve(projectRoot(), '..', 'shared', 'datasets');
}

/** Load the seed files; throws a plain Error if the corpus is missing (the bench cannot run without it). */
export function loadSeeds(): SeedFile[] {
  const root = resolveDataRoot();
  const seeds: SeedFile[] = [];
  for (const rel of REAL_FILES) {
    const file = path.join(root, rel);
    if (!fs.existsSync(file)) throw new Error(`fuzz-wav needs ${file}: run scripts/setup.sh`);
    seeds.push(describeSeed(rel, new Uint8Array(fs.readFileSync(file))));
  }
  const flac = path.join(sharedDatasetsDir(), SHARED_FLAC);
  if (fs.existsSync(flac))
    seeds.push(describeSeed(`shared/${SHARED_FLAC}`, new Uint8Array(fs.readFileSync(flac))));
  // Real stereo speech, shortened to 0.2 s so re-encoded seeds stay small.
  const stereo = decodeAudio(seeds[4].bytes);
  const short = stereo.channels.map((c) => c.slice(4000, 4000 + Math.round(0.2 * stereo.sampleRate)));
  for (const encoding of REENCODED) {
    seeds.push(
      describeSeed(`${REAL_FILES[4]} as ${encoding}`, encodeWav(short, stereo.sampleRate, { encoding })),
    );
  }
  seeds.push(describeSeed(`${REAL_FILES[4]} as mono pcm16`, encodeWav([short[0]], stereo.sampleRate)));
  return seeds;
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

/** Walk the file's container structure once to find its size fields, header fields and boundaries. */
function describeSeed(name: string, bytes: Uint8Array): SeedFile {
  const seed: SeedFile = { name, bytes, sizeFields: [], headerFields: [], boundaries: [0, 4, 8, 12] };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = fourcc(bytes, 0);
  if (head === 'fLaC') {
    let at = 4;
    for (;;) {
      const last = bytes[at] & 0x80;
      const length = (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
      seed.sizeFields.push({ at: at + 1, width: 3, littleEndian: false });
      seed.boundaries.push(at, at + 1, at + 4, at + 4 + length - 1);
      if ((bytes[at] & 0x7f) === 0) {
        // STREAMINFO: block sizes, frame sizes, then rate/channels/bits/total samples packed in 8 bytes.
        for (const [offset, width] of [
          [0, 2],
          [2, 2],
          [4, 4],
          [10, 4],
          [14, 4],
          [10, 8],
        ] as const)
          seed.headerFields.push({ at: at + 4 + offset, width, littleEndian: false });
        for (let k = 0; k < 34; k += 2) seed.boundaries.push(at + 4 + k);
      }
      at += 4 + length;
      if (last) break;
    }
    // The first audio frames: header bytes and a few frame boundaries.
    for (let k = 0; k < 16; k++) seed.boundaries.push(at + k);
    for (let k = 1; k < 8; k++) seed.boundaries.push(Math.floor(at + (k * (bytes.length - at)) / 8));
    seed.headerFields.push(
      { at: at + 2, width: 1, littleEndian: false },
      { at: at + 3, width: 1, littleEndian: false },
    );
  } else {
    const littleEndian = head === 'RIFF';
    seed.sizeFields.push({ at: 4, width: 4, littleEndian });
    for (let at = 12; at + 8 <= bytes.length; ) {
      const id = fourcc(bytes, at);
      const size = view.getUint32(at + 4, littleEndian);
      const body = at + 8;
      seed.sizeFields.push({ at: at + 4, width: 4, littleEndian });
      seed.boundaries.push(at, at + 4, at + 8, body + size - 1, body + size);
      const field = (offset: number, width: 1 | 2 | 4 | 8): void => {
        seed.headerFields.push({ at: body + offset, width, littleEndian });
      };
      if (id === 'fmt ') {
        // tag, channels, rate, byte rate, block align, bits, cbSize, valid bits, mask, sub-format
        for (const [offset, width] of [
          [0, 2],
          [2, 2],
          [4, 4],
          [8, 4],
          [12, 2],
          [14, 2],
          [16, 2],
          [18, 2],
          [20, 4],
          [24, 2],
        ] as const)
          if (offset + width <= size) field(offset, width);
        for (let k = 0; k <= Math.min(size, 40); k += 2) seed.boundaries.push(body + k);
      } else if (id === 'COMM') {
        // channels, frames, bits, rate exponent, rate mantissa, compression type
        for (const [offset, width] of [
          [0, 2],
          [2, 4],
          [6, 2],
          [8, 2],
          [10, 8],
          [18, 4],
        ] as const)
          if (offset + width <= size) field(offset, width);
        for (let k = 0; k <= Math.min(size, 24); k += 2) seed.boundaries.push(body + k);
      } else if (id === 'SSND') {
        field(0, 4); // offset to the first frame
        field(4, 4);
        for (let k = 0; k <= 16; k++) seed.boundaries.push(body + k);
      } else if (id === 'data') {
        // Inside the first frames: mid-sample and mid-frame cuts.
        for (let k = 1; k <= 16; k++) seed.boundaries.push(body + k);
        seed.boundaries.push(body + Math.floor(size / 2));
      }
      at = body + size + (size & 1);
    }
  }
  seed.boundaries = [...new Set(seed.boundaries.filter((b) => b >= 0 && b <= bytes.length))].sort(
    (a, b) => a - b,
  );
  return seed;
}

// ---------------------------------------------------------------- mutations

/** Values that break size and count assumptions, for a field `width` bytes wide. */
function extremeValue(rng: Rng, width: number): bigint {
  const max = (1n << BigInt(8 * width)) - 1n;
  const picks = [
    0n,
    1n,
    2n,
    3n,
    max,
    max - 1n,
    max >> 1n,
    (max >> 1n) + 1n,
    BigInt(rng.int(256)),
    BigInt(rng.int(65536)),
  ];
  if (rng.next() < 0.3) return BigInt(Math.floor(rng.next() * 2 ** Math.min(48, 8 * width))) & max;
  return picks[rng.int(picks.length)] & max;
}

function writeField(
  bytes: Uint8Array,
  at: number,
  width: number,
  littleEndian: boolean,
  value: bigint,
): void {
  for (let k = 0; k < width && at + k < bytes.length; k++) {
    const shift = BigInt(8 * (littleEndian ? k : width - 1 - k));
    bytes[at + k] = Number((value >> shift) & 0xffn);
  }
}

function randomBytes(rng: Rng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.int(256);
  return out;
}

function flipBits(rng: Rng, bytes: Uint8Array): void {
  const count = 1 + rng.int(8);
  for (let k = 0; k < count; k++) {
    // Most flips land in the header, where they change meaning rather than just sample values.
    const at = rng.next() < 0.7 ? rng.int(Math.min(bytes.length, 128)) : rng.int(bytes.length);
    bytes[at] ^= 1 << rng.int(8);
  }
}

function truncate(rng: Rng, seed: SeedFile, bytes: Uint8Array): Uint8Array {
  const at =
    rng.next() < 0.8
      ? seed.boundaries[rng.int(seed.boundaries.length)] + rng.int(3) - 1
      : rng.int(bytes.length + 1);
  return bytes.slice(0, Math.max(0, Math.min(bytes.length, at)));
}

function lieAboutSize(rng: Rng, seed: SeedFile, bytes: Uint8Array): void {
  const field = seed.sizeFields[rng.int(seed.sizeFields.length)];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const actual =
    field.width === 4 && field.at + 4 <= bytes.length ? view.getUint32(field.at, field.littleEndian) : 0;
  const near = BigInt(Math.max(0, actual + rng.int(9) - 4));
  writeField(
    bytes,
    field.at,
    field.width,
    field.littleEndian,
    rng.next() < 0.4 ? near : extremeValue(rng, field.width),
  );
}

function setHugeField(rng: Rng, seed: SeedFile, bytes: Uint8Array): void {
  const field = seed.headerFields[rng.int(seed.headerFields.length)];
  writeField(bytes, field.at, field.width, field.littleEndian, extremeValue(rng, field.width));
}

function splice(rng: Rng, bytes: Uint8Array): Uint8Array {
  const at = rng.next() < 0.6 ? rng.int(Math.min(bytes.length, 96)) : rng.int(bytes.length);
  const remove = rng.int(16);
  const insert = randomBytes(rng, rng.int(16));
  const out = new Uint8Array(bytes.length - Math.min(remove, bytes.length - at) + insert.length);
  out.set(bytes.subarray(0, at));
  out.set(insert, at);
  out.set(bytes.subarray(Math.min(bytes.length, at + remove)), at + insert.length);
  return out;
}

const MAGICS = ['RIFF\0\0\0\0WAVE', 'RIFX\0\0\0\0WAVE', 'FORM\0\0\0\0AIFF', 'FORM\0\0\0\0AIFC', 'fLaC'];

/** Header values no recording has, and the message kind each must get (see {@link headerCase}). */
const BAD_RATES = [1, 999, 768_001, 1_000_000, 2 ** 31, 0xffffffff];
const BAD_CHANNELS = [257, 4096, 65535];

/** Offset of a RIFF file's fmt chunk body, or -1. */
function fmtBody(bytes: Uint8Array): number {
  if (fourcc(bytes, 0) !== 'RIFF') return -1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size = view.getUint32(at + 4, true);
    if (fourcc(bytes, at) === 'fmt ') return at + 8;
    at += 8 + size + (size & 1);
  }
  return -1;
}

/**
 * One deliberate bad header, on a real file: an implausible rate, an implausible channel count, data cut
 * short of its declared length, or (stereo) one channel zeroed. `expect` is what predict must say: an error
 * matching it, or a note matching it.
 */
function headerCase(rng: Rng, seed: SeedFile): { bytes: Uint8Array; expect: string } {
  const bytes = seed.bytes.slice();
  const fmt = fmtBody(bytes);
  const view = new DataView(bytes.buffer);
  const pick = rng.int(4);
  if (fmt < 0 || pick === 2) {
    // Cut inside the samples: the second half of the file.
    const cut = Math.floor(bytes.length * (0.5 + 0.45 * rng.next()));
    return { bytes: bytes.slice(0, cut), expect: 'note:truncated' };
  }
  if (pick === 0) {
    const rate = BAD_RATES[rng.int(BAD_RATES.length)];
    view.setUint32(fmt + 4, rate, true);
    return { bytes, expect: `error:implausible sample rate ${rate} Hz` };
  }
  if (pick === 1) {
    const channels = BAD_CHANNELS[rng.int(BAD_CHANNELS.length)];
    view.setUint16(fmt + 2, channels, true);
    return { bytes, expect: `error:implausible channel count ${channels}` };
  }
  // A silent channel: the file re-encoded with its channels, one of them (of two or more) zeroed.
  const decoded = decodeAudio(seed.bytes, seed.name);
  if (decoded.channels.length < 2) {
    const cut = Math.floor(bytes.length * (0.5 + 0.45 * rng.next()));
    return { bytes: bytes.slice(0, cut), expect: 'note:truncated' };
  }
  const channels = decoded.channels.map((c) => c.slice());
  channels[rng.int(channels.length)].fill(0);
  // All silent (a quiet file in 8 bits) is no silent channel among others: that file is "no speech" later.
  const silent = channels.every((c) => c.every((x) => x === 0));
  return { bytes: encodeWav(channels, decoded.sampleRate), expect: silent ? 'note:' : 'note:silent' };
}

/** The kind and seed of case `index` (no randomness, so the watchdog can name a case it stopped). */
function caseIdentity(index: number, seeds: readonly SeedFile[]): { kind: Kind; seed: SeedFile } {
  return { kind: KINDS[index % KINDS.length], seed: seeds[Math.floor(index / KINDS.length) % seeds.length] };
}

/** The bytes of case `index`: a pure function of (baseSeed, index) and the seed files. */
export function makeCase(
  index: number,
  baseSeed: number,
  seeds: readonly SeedFile[],
): { kind: Kind; seed: string; bytes: Uint8Array; expect?: string } {
  const { kind, seed } = caseIdentity(index, seeds);
  const rng = new Rng(Math.imul(baseSeed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b));
  let bytes: Uint8Array = seed.bytes.slice();
  switch (kind) {
    case 'random-bytes':
      bytes = randomBytes(rng, rng.int(rng.next() < 0.5 ? 64 : 4096));
      break;
    case 'magic-then-random': {
      const magic = Uint8Array.from(MAGICS[rng.int(MAGICS.length)], (c) => c.charCodeAt(0));
      bytes = new Uint8Array(magic.length + rng.int(2048));
      bytes.set(magic);
      bytes.set(randomBytes(rng, bytes.length - magic.length), magic.length);
      break;
    }
    case 'truncate':
      bytes = truncate(rng, seed, bytes);
      break;
    case 'bit-flip':
      flipBits(rng, bytes);
      break;
    case 'chunk-size-lie':
      lieAboutSize(rng, seed, bytes);
      break;
    case 'huge-field':
      setHugeField(rng, seed, bytes);
      if (rng.next() < 0.3) setHugeField(rng, seed, bytes);
      break;
    case 'splice':
      bytes = splice(rng, bytes);
      break;
    case 'header': {
      const made = headerCase(rng, seed);
      return { kind, seed: seed.name, bytes: made.bytes, expect: made.expect };
    }
    case 'combined':
      lieAboutSize(rng, seed, bytes);
      setHugeField(rng, seed, bytes);
      flipBits(rng, bytes);
      bytes = truncate(rng, seed, bytes);
      break;
  }
  return { kind, seed: seed.name, bytes };
}

// ---------------------------------------------------------------- running

const ERROR_CODES = new Set([
  'not-found',
  'unreadable',
  'unwritable',
  'unsupported',
  'corrupt',
  'bad-option',
]);

/** What a successful decode must look like; the broken rule, or undefined when it holds. */
function contractViolation(decoded: DecodedAudio): string | undefined {
  const { sampleRate, channels } = decoded;
  if (!(Number.isInteger(sampleRate) && sampleRate >= 1 && sampleRate <= 0xffffffff))
    return `sampleRate ${sampleRate}`;
  if (channels.length < 1) return 'no channels';
  const length = channels[0].length;
  if (length < 1) return 'no samples';
  if (channels.some((c) => !(c instanceof Float32Array) || c.length !== length))
    return 'channels differ in length or type';
  return undefined;
}

const LOAD_RATE = 16000;

/**
 * What `ser predict` does before its model: header checks, the rate check, reading up to the clip limit (or, for
 * longer audio, every block), notes. Returns its notes; throws its errors.
 */
function predictChecks(bytes: Uint8Array): string[] {
  const source = openAudio(bytes, 'fuzz.wav');
  checkPlausibleRate(source.sampleRate, 'fuzz.wav');
  const routed = routeAudio(source);
  if (routed.kind === 'long') {
    let frames = 0;
    for (const block of routed.blocks) frames += block[0].length;
    return truncationNote(frames, source.declaredFrames, source.sampleRate);
  }
  if (routed.audio.channels[0].length === 0) throw noSamples('fuzz.wav');
  return audioNotes(routed.audio);
}

function runCase(index: number, baseSeed: number, seeds: readonly SeedFile[], load: boolean): CaseResult {
  const { kind, seed, bytes, expect } = makeCase(index, baseSeed, seeds);
  const result = (outcome: Outcome, detail: string): CaseResult => ({ index, kind, seed, outcome, detail });
  if (expect !== undefined) return runHeaderCase(bytes, expect, result);
  try {
    const decoded = decodeAudio(bytes, 'fuzz.wav');
    const violation = contractViolation(decoded);
    if (violation) return result('invalid', violation);
    if (load) {
      const frames = decoded.channels[0].length;
      const loaded = prepareAudio(decoded, 'fuzz.wav', { sampleRate: LOAD_RATE });
      const expected = Math.ceil((frames * LOAD_RATE) / decoded.sampleRate);
      if (loaded.samples.length !== expected)
        return result('invalid', `resampled to ${loaded.samples.length} samples, expected ${expected}`);
    }
    return result('ok', '');
  } catch (err) {
    if (err instanceof AudioError && ERROR_CODES.has(err.code) && !/[\r\n]/.test(err.message))
      return result('typedError', err.code);
    const e = err as Error;
    return result('crash', `${e?.name}: ${e?.message}`.slice(0, 300));
  }
}

/** A deliberate bad header: predict's checks must give its one message (an error, or a note). */
function runHeaderCase(
  bytes: Uint8Array,
  expect: string,
  result: (outcome: Outcome, detail: string) => CaseResult,
): CaseResult {
  const [want, text] = [expect.slice(0, expect.indexOf(':')), expect.slice(expect.indexOf(':') + 1)];
  try {
    const notes = predictChecks(bytes);
    if (want === 'note' && (text === '' ? notes.length === 0 : notes.some((n) => n.includes(text))))
      return result('ok', expect);
    return result('invalid', `expected ${expect}, got notes ${JSON.stringify(notes)}`);
  } catch (err) {
    if (!(err instanceof AudioError && ERROR_CODES.has(err.code) && !/[\r\n]/.test(err.message))) {
      const e = err as Error;
      return result('crash', `${e?.name}: ${e?.message}`.slice(0, 300));
    }
    if (want === 'error' && err.message === `fuzz.wav: ${err.problem}` && err.problem.startsWith(text))
      return result('typedError', err.code);
    return result('invalid', `expected ${expect}, got ${err.message}`);
  }
}

interface WorkerInput {
  baseSeed: number;
  load: boolean;
}
type WorkerMessage = { type: 'ready' } | { type: 'result'; result: CaseResult };

/** Worker side: load the seeds once, then run the ranges the main thread sends. */
function workerMain(): void {
  const { baseSeed, load } = workerData as WorkerInput;
  const seeds = loadSeeds();
  const port = parentPort!;
  port.on('message', ({ from, to }: { from: number; to: number }) => {
    for (let i = from; i < to; i++)
      port.postMessage({ type: 'result', result: runCase(i, baseSeed, seeds, load) } satisfies WorkerMessage);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}

/** Run the cases in a watched worker; resolves with the JSON report. */
export function runFuzz(options: FuzzOptions = {}): Promise<FuzzReport> {
  const { cases = 10000, from = 0, seed: baseSeed = 1, budgetMs = 2000, load = false } = options;
  const seeds = loadSeeds();
  const end = from + cases;
  const results: CaseResult[] = [];
  const started = process.hrtime.bigint();

  return new Promise((resolve, reject) => {
    let next = from;
    const finish = (): void => {
      const count = (outcome: Outcome): number => results.filter((r) => r.outcome === outcome).length;
      const byKind: FuzzReport['byKind'] = {};
      const errorCodes: Record<string, number> = {};
      for (const r of results) {
        byKind[r.kind] ??= { ok: 0, typedError: 0, crash: 0, hang: 0, invalid: 0 };
        byKind[r.kind][r.outcome]++;
        if (r.outcome === 'typedError') errorCodes[r.detail] = (errorCodes[r.detail] ?? 0) + 1;
      }
      resolve({
        bench: 'fuzz-wav',
        cases: results.length,
        ok: count('ok'),
        typedErrors: count('typedError'),
        crashes: count('crash'),
        hangs: count('hang'),
        invalid: count('invalid'),
        seconds: Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)),
        budgetMs,
        stage: load ? 'decode+resample' : 'decode',
        seeds: seeds.map((s) => s.name),
        errorCodes,
        byKind,
        failures: results.filter((r) => r.outcome !== 'ok' && r.outcome !== 'typedError').slice(0, 20),
      });
    };

    const startWorker = (): void => {
      if (next >= end) return finish();
      const worker = new Worker(__filename, { workerData: { baseSeed, load } satisfies WorkerInput });
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      // The case in progress failed (hung, or killed the worker): record it, go on after it.
      const abandon = (outcome: Outcome, detail: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const { kind, seed } = caseIdentity(next, seeds);
        results.push({ index: next, kind, seed: seed.name, outcome, detail });
        next++;
        void worker.terminate().then(startWorker, reject);
      };
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => abandon('hang', `no result within ${budgetMs} ms`), budgetMs);
      };
      worker.on('message', (message: WorkerMessage) => {
        if (settled) return;
        if (message.type === 'ready') {
          worker.postMessage({ from: next, to: end });
          arm();
          return;
        }
        results.push(message.result);
        next = message.result.index + 1;
        if (next >= end) {
          settled = true;
          clearTimeout(timer);
          void worker.terminate().then(finish, reject);
        } else arm();
      });
      worker.on('error', (err) => abandon('crash', `worker died: ${err.name}: ${err.message}`.slice(0, 300)));
      worker.on('exit', (code) => abandon('crash', `worker exited with code ${code}`));
    };
    startWorker();
  });
}

function parseArgs(argv: string[]): FuzzOptions {
  const options: FuzzOptions = {};
  if (argv.includes('--load')) {
    options.load = true;
    argv = argv.filter((a) => a !== '--load');
  }
  const names: Record<string, 'cases' | 'from' | 'seed' | 'budgetMs'> = {
    '--cases': 'cases',
    '--from': 'from',
    '--seed': 'seed',
    '--budget-ms': 'budgetMs',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    const value = Number(argv[i + 1]);
    if (!key || !Number.isInteger(value) || value < 0)
      throw new Error(
        `usage: fuzz-wav [--cases N] [--from I] [--seed S] [--budget-ms MS] [--load]; bad '${argv[i]} ${argv[i + 1]}'`,
      );
    options[key] = value;
  }
  return options;
}

if (!isMainThread) {
  workerMain();
} else if (require.main === module) {
  runFuzz(parseArgs(process.argv.slice(2))).then(
    (report) => {
      console.log(JSON.stringify(report));
      if (report.crashes + report.hangs + report.invalid > 0) process.exitCode = 1;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 2;
    },
  );
}
