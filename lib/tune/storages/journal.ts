/**
 * Journal file storage (Optuna's JournalFileStorage): every change is one JSON line appended to a file with
 * O_APPEND, in a single write(2), so that processes on one machine can share a study without a server;
 * each process replays the lines it has not seen yet. A line torn by a crash is skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogStorage } from './log-storage';
import type { HeartbeatOptions, StorageOp } from './storage';

export class JournalFileStorage extends LogStorage {
  private fd: number | undefined;
  private offset = 0;
  private pending: Buffer = Buffer.alloc(0);

  /** @param file the journal (created with its folder when missing). */
  constructor(
    readonly file: string,
    options: HeartbeatOptions = {},
  ) {
    super(options);
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.fd = fs.openSync(file, 'a+');
  }

  private handle(): number {
    if (this.fd === undefined) throw new Error(`journal ${this.file} is closed`);
    return this.fd;
  }

  protected append(ops: StorageOp[]): void {
    // One write per batch: O_APPEND places it atomically at the end of the file.
    const text = ops.map((op) => JSON.stringify(op) + '\n').join('');
    fs.writeSync(this.handle(), text);
  }

  protected sync(): void {
    const fd = this.handle();
    const size = fs.fstatSync(fd).size;
    if (size <= this.offset) return;
    const buf = Buffer.alloc(size - this.offset);
    let read = 0;
    while (read < buf.length) {
      const n = fs.readSync(fd, buf, read, buf.length - read, this.offset + read);
      if (n === 0) break;
      read += n;
    }
    this.offset += read;
    const bytes = Buffer.concat([this.pending, buf.subarray(0, read)]);
    const end = bytes.lastIndexOf(0x0a);
    // Keep an unfinished last line (as bytes: it may end mid-character) for the next sync.
    this.pending = bytes.subarray(end + 1);
    if (end < 0) return;
    for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
      if (line === '') continue;
      let op: StorageOp;
      try {
        op = JSON.parse(line) as StorageOp;
      } catch {
        continue;
      }
      this.state.apply(op);
    }
  }

  override async close(): Promise<void> {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
