/**
 * On-disk feature cache keyed by (file content hash, feature-config hash), shared by notebooks, CLI runs and
 * worker threads. Layout: `<dir>/<configHash>/<hh>/<contentHash>.f32`, plus `<dir>/<configHash>/config.json`
 * naming the config. Entries are written to a unique temporary name and renamed into place, so readers see a
 * whole entry or none, and concurrent writers of the same entry (same bytes) simply race to an identical
 * result. A damaged entry reads as a miss.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { projectRoot } from '../util/paths';

/** Bump when any feature's computation changes, so old cache entries are never reused. */
export const FEATURES_VERSION = 1;

const MAGIC = 0x46524553; // 'SERF' little-endian

/** The default cache folder: `$SER_CACHE_DIR/features`, else `<project>/.cache/features`. */
export function defaultCacheDir(): string {
  return process.env.SER_CACHE_DIR
    ? path.join(process.env.SER_CACHE_DIR, 'features')
    : path.join(projectRoot(), '.cache', 'features');
}

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Hash of a feature config (and {@link FEATURES_VERSION}): 16 hex digits of SHA-256. */
export function configHash(config: object): string {
  return createHash('sha256')
    .update(`ser-features/${FEATURES_VERSION}/${canonicalJson(config)}`)
    .digest('hex')
    .slice(0, 16);
}

/** SHA-256 of a file's bytes (the manifest's `fileHash`), hex. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Write `data` to `file` through a unique temporary name and a rename. */
function writeAtomic(file: string, data: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${threadId}-${randomBytes(4).toString('hex')}`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The cache for one feature config. */
export class FeatureCache {
  readonly dir: string;
  readonly configHash: string;

  /** `root` defaults to {@link defaultCacheDir}. */
  constructor(config: object, root: string = defaultCacheDir()) {
    this.configHash = configHash(config);
    this.dir = path.join(root, this.configHash);
    const meta = path.join(this.dir, 'config.json');
    if (!fs.existsSync(meta))
      writeAtomic(meta, JSON.stringify({ featuresVersion: FEATURES_VERSION, config }, null, 2) + '\n');
  }

  private entry(hash: string): string {
    return path.join(this.dir, hash.slice(0, 2), `${hash}.f32`);
  }

  /**
   * Whether a whole entry exists for a file's content hash: its header and length are checked, its values not
   * read (so a table can list its rows' entries up front and read each one only when a batch needs it).
   */
  has(hash: string): boolean {
    let fd: number;
    try {
      fd = fs.openSync(this.entry(hash), 'r');
    } catch {
      return false;
    }
    try {
      const header = Buffer.alloc(8);
      if (fs.readSync(fd, header, 0, 8, 0) !== 8 || header.readUInt32LE(0) !== MAGIC) return false;
      return fs.fstatSync(fd).size === 8 + 4 * header.readUInt32LE(4);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** The cached vector for a file's content hash, or undefined. */
  get(hash: string): Float32Array | undefined {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(this.entry(hash));
    } catch {
      return undefined;
    }
    if (bytes.length < 8 || bytes.readUInt32LE(0) !== MAGIC) return undefined;
    const count = bytes.readUInt32LE(4);
    if (bytes.length !== 8 + 4 * count) return undefined;
    const out = new Float32Array(count);
    new Uint8Array(out.buffer).set(bytes.subarray(8));
    return out;
  }

  /** Store a file's vector (atomically). */
  put(hash: string, vector: Float32Array): void {
    const bytes = new Uint8Array(8 + vector.byteLength);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, vector.length, true);
    bytes.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength), 8);
    writeAtomic(this.entry(hash), bytes);
  }
}
