/**
 * `ser manifest`: build the manifest of one or more corpora and print what it holds (counts per corpus,
 * emotion and speaker), every skipped file with its reason and the duplicate audio; optionally write it as
 * CSV or JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  buildManifest,
  corpusNames,
  locateCorpusDir,
  manifestCounts,
  resolveDataRoot,
  writeManifestCsv,
  type LabelOptions,
  type Manifest,
} from '../data';
import { writeFileAtomic } from '../util/atomic';
import { UserError } from '../util/errors';
import { intOption, type CommandSpec, type ParsedArgs } from './args';
import type { Command } from './commands';

const out = (s: string) => process.stdout.write(s + '\n');

/** Corpora named by --corpus, or every published corpus with a folder under the root. */
function chosenCorpora(args: ParsedArgs, root: string, command: string): string[] {
  const known = corpusNames();
  const given = args.values.corpus;
  if (typeof given === 'string' && given !== '') {
    const names = given
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== '');
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length > 0)
      throw new UserError(`${command}: unknown corpus "${unknown[0]}" (valid: ${known.join(', ')})`);
    return names;
  }
  const found = known
    .filter((n) => n !== 'folder' && n !== 'synthetic')
    .filter((n) => {
      try {
        return locateCorpusDir(root, n, { subfolderOnly: true }) !== root;
      } catch {
        return false;
      }
    });
  if (found.length === 0)
    throw new UserError(`no corpus folder found (${known.join(', ')}); give --corpus`, root);
  return found;
}

function choice<T extends string>(
  args: ParsedArgs,
  name: string,
  allowed: readonly T[],
  command: string,
): T | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new UserError(`${command}: --${name} must be one of ${allowed.join(', ')}, got "${String(v)}"`);
  }
  return v as T;
}

function printText(m: Manifest, root: string, seconds: number, written: string | undefined): void {
  const c = manifestCounts(m);
  const corpora = m.corpora.map((x) => x.corpus);
  out(
    `manifest of ${corpora.join(', ')} under ${root}: ${c.files} files → ${c.rows} rows, ${c.skipped} skipped`,
  );
  out(
    `  (${m.cache.hits} from cache, ${m.cache.misses} decoded, ${seconds.toFixed(1)} s; manifest ${m.hash.slice(0, 12)})`,
  );
  out('');
  const w = 10;
  out(`${'emotion'.padEnd(w)}${corpora.map((x) => x.padStart(w)).join('')}${'total'.padStart(w)}`);
  for (const e of Object.keys(c.byEmotion)) {
    const cells = corpora.map((x) => String(c.byCorpusEmotion[x]?.[e] ?? 0).padStart(w));
    out(`${e.padEnd(w)}${cells.join('')}${String(c.byEmotion[e]).padStart(w)}`);
  }
  out(
    `${'total'.padEnd(w)}${corpora.map((x) => String(c.byCorpus[x] ?? 0).padStart(w)).join('')}${String(c.rows).padStart(w)}`,
  );
  out('');
  out(
    `speakers (${Object.keys(c.bySpeaker).length}): ${Object.entries(c.bySpeaker)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')}`,
  );
  out('');
  out(`skipped files (${m.skipped.length}):${m.skipped.length === 0 ? ' none' : ''}`);
  for (const s of m.skipped) out(`  ${s.path}: ${s.reason}`);
  out(`duplicate audio (${m.duplicates.length} groups):${m.duplicates.length === 0 ? ' none' : ''}`);
  for (const d of m.duplicates) {
    const how = `${d.byteIdentical ? 'byte-identical' : 'same decoded audio'}${d.labelsAgree ? '' : ', LABELS DISAGREE'}`;
    out(`  ${d.ids.join(' = ')} (${how})`);
  }
  if (written) out(`\nmanifest written to ${written}`);
}

/** Build the manifest that {@link MANIFEST_INPUT_OPTIONS} describe. */
export async function manifestFromArgs(
  args: ParsedArgs,
  command: string,
): Promise<{ manifest: Manifest; root: string; seconds: number }> {
  const root = resolveDataRoot(args.values.root as string | undefined);
  if (!fs.existsSync(root)) throw new UserError('data root does not exist', root);
  const corpora = chosenCorpora(args, root, command);
  const labels: LabelOptions = {
    calm: choice(args, 'calm', ['keep', 'neutral'] as const, command),
    boredom: choice(args, 'boredom', ['skip', 'neutral', 'calm'] as const, command),
  };
  const t0 = Date.now();
  const manifest = await buildManifest({
    corpora,
    root,
    ...labels,
    workers: intOption(args, 'workers', command),
    ...(args.values.rebuild === true ? { cacheDir: null } : {}),
  });
  return { manifest, root, seconds: (Date.now() - t0) / 1000 };
}

/** Options of every command that builds a manifest (ser manifest, ser split). */
export const MANIFEST_INPUT_OPTIONS: CommandSpec['options'] = {
  corpus: {
    type: 'string',
    value: 'NAME[,NAME]',
    description: `corpora (${corpusNames().join(', ')}); default: every corpus folder under the root`,
  },
  root: {
    type: 'string',
    value: 'DIR',
    description: 'data root holding corpus folders (else $SER_DATA_DIR, else data/)',
  },
  calm: {
    type: 'string',
    value: 'keep|neutral',
    description: 'RAVDESS calm: keep as a class or merge into neutral',
    default: 'keep',
  },
  boredom: {
    type: 'string',
    value: 'skip|neutral|calm',
    description: 'EmoDB boredom: skip the files or map them',
    default: 'skip',
  },
  workers: {
    type: 'string',
    value: 'N',
    description: 'decoding threads (default: $SER_THREADS, else one per core)',
  },
  rebuild: {
    type: 'boolean',
    description: 'decode every file again (ignore and do not write the cache)',
  },
};

export const manifest: Command = {
  spec: {
    name: 'manifest',
    summary:
      'ser manifest — list every file of the corpora: labels, format, hashes, skipped files, duplicates.',
    usage: 'ser manifest [--corpus NAME[,NAME]] [--root DIR] [--out FILE.csv|FILE.json] [--json]',
    options: {
      ...MANIFEST_INPUT_OPTIONS,
      out: {
        type: 'string',
        value: 'FILE',
        description: 'write the manifest: .csv (rows) or .json (everything)',
      },
      json: {
        type: 'boolean',
        description: 'print one JSON object (counts, corpora, skipped, duplicates, cache)',
      },
    },
    examples: [
      'ser manifest --corpus tess,ravdess --root ../shared/datasets --json',
      'ser manifest --corpus ravdess --calm neutral --out ravdess.csv',
    ],
  },
  async run(args) {
    const outFile = args.values.out as string | undefined;
    if (outFile !== undefined && !/\.(csv|json)$/i.test(outFile)) {
      throw new UserError(`manifest: --out must end in .csv or .json, got "${outFile}"`);
    }
    const { manifest: m, root, seconds } = await manifestFromArgs(args, 'manifest');
    let written: string | undefined;
    if (outFile !== undefined) {
      written = path.resolve(outFile);
      if (/\.csv$/i.test(outFile)) writeManifestCsv(written, m.rows);
      else writeFileAtomic(written, JSON.stringify(m, null, 1) + '\n');
    }
    if (args.values.json) {
      const { rows: _rows, ...rest } = m;
      out(
        JSON.stringify({ root, ...rest, counts: manifestCounts(m), seconds, out: written ?? null }, null, 2),
      );
    } else printText(m, root, seconds, written);
  },
};
