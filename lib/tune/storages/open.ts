/** Storage URLs: "memory", "journal:<file>" or a path ending in .jsonl/.journal, "postgres(ql)://...". */
import { JournalFileStorage } from './journal';
import { InMemoryStorage } from './log-storage';
import type { HeartbeatOptions, TuneStorage } from './storage';

/** Opens the storage a URL names; PostgreSQL connects (and creates its tables) before returning. */
export async function openStorage(url: string, options: HeartbeatOptions = {}): Promise<TuneStorage> {
  if (url === 'memory' || url === ':memory:') return new InMemoryStorage(options);
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { PostgresStorage } = await import('./postgres');
    return PostgresStorage.connect(url, options);
  }
  if (url.startsWith('journal:')) return new JournalFileStorage(url.slice('journal:'.length), options);
  if (/\.(jsonl|journal|log)$/.test(url)) return new JournalFileStorage(url, options);
  throw Object.assign(
    new Error(`unknown storage "${url}" (use memory, journal:<file>, <file>.jsonl or postgresql://...)`),
    {
      userFacing: true,
    },
  );
}
