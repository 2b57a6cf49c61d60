/**
 * `ser features`: extract a named feature set for every clip of a corpus, through the feature cache, on
 * worker threads; optionally write the features to a folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusNames, loadCorpus, resolveDataRoot } from '../data';
import {
  defineFeatureSet,
  extractFeatures,
  featureSet,
  featureSetNames,
  type FeatureConfig,
  type LibrosaSetConfig,
} from '../features';
import { defaultCacheDir } from '../features/cache';
import { writeDirAtomic } from '../util/atomic';
import { UserError } from '../util/errors';
import { intOption, requireString } from './args';
import type { Command } from './commands';

/** A built-in set name, or a JSON file holding a (partial) {@link LibrosaSetConfig} with name and blocks. */
function resolveSet(value: string): FeatureConfig {
  if (value.endsWith('.json')) {
    let parsed: Partial<LibrosaSetConfig> & Pick<LibrosaSetConfig, 'name' | 'blocks'>;
    try {
      parsed = JSON.parse(fs.readFileSync(value, 'utf8'));
    } catch (err) {
      throw new UserError(`features: cannot read feature set ${value}: ${(err as Error).message}`);
    }
    if (!parsed.name || !Array.isArray(parsed.blocks))
      throw new UserError(`features: ${value} needs at least "name" and "blocks"`);
    return defineFeatureSet(parsed);
  }
  return featureSet(value);
}

export const features: Command = {
  spec: {
    name: 'features',
    summary: 'ser features — extract a feature set for every clip of a corpus (cached, on all cores).',
    usage:
      'ser features --corpus NAME [--root DIR] --set NAME [--out DIR] [--workers N] [--cache DIR|off] [--json]',
    options: {
      corpus: {
        type: 'string',
        value: 'NAME',
        description: `corpus: ${corpusNames().join(', ')}`,
      },
      root: {
        type: 'string',
        value: 'DIR',
        description: 'data root holding corpus folders (else $SER_DATA_DIR, else data/)',
      },
      set: {
        type: 'string',
        value: 'NAME',
        description: `feature set: ${featureSetNames().join(', ')}, or a JSON file with a set config`,
      },
      out: {
        type: 'string',
        value: 'DIR',
        description: 'write index.json (set, clips, offsets) and features.f32 (little-endian float32) here',
      },
      workers: {
        type: 'string',
        value: 'N',
        description: 'worker threads (default: $SER_THREADS, else one per core)',
      },
      cache: {
        type: 'string',
        value: 'DIR|off',
        description: `feature cache folder (default: ${path.relative(process.cwd(), defaultCacheDir()) || '.'})`,
      },
      json: { type: 'boolean', description: 'print a JSON summary on stdout' },
    },
    examples: [
      'ser features --corpus tess --set seed000',
      'ser features --corpus ravdess --set stats --out features/ravdess-stats',
    ],
  },
  async run(args) {
    const corpus = requireString(args, 'corpus', 'features');
    const config = resolveSet(requireString(args, 'set', 'features'));
    const root = resolveDataRoot(args.values.root as string | undefined);
    const cacheArg = args.values.cache as string | undefined;
    const cacheDir = cacheArg === 'off' ? null : (cacheArg ?? defaultCacheDir());
    const load = await loadCorpus(corpus, root);
    if (load.records.length === 0) throw new UserError(`features: no clips of ${corpus} found under ${root}`);
    const files = load.records.map((r) => r.path);
    const result = await extractFeatures(files, config, {
      label: `features ${config.kind === 'librosa' ? config.name : config.kind}`,
      workers: intOption(args, 'workers', 'features'),
      cacheDir,
    });
    for (const s of result.skipped) process.stderr.write(`skipped ${s.path}: ${s.reason}\n`);

    const outDir = args.values.out as string | undefined;
    if (outDir) {
      const clips: object[] = [];
      let offset = 0;
      load.records.forEach((r, i) => {
        const v = result.vectors[i];
        if (!v) return;
        clips.push({
          path: path.relative(root, r.path),
          speaker: r.speaker,
          emotion: r.emotion,
          offset,
          length: v.length,
        });
        offset += v.length;
      });
      const all = new Float32Array(offset);
      let at = 0;
      for (const v of result.vectors)
        if (v) {
          all.set(v, at);
          at += v.length;
        }
      await writeDirAtomic(outDir, (tmp) => {
        fs.writeFileSync(path.join(tmp, 'features.f32'), new Uint8Array(all.buffer));
        fs.writeFileSync(
          path.join(tmp, 'index.json'),
          JSON.stringify(
            {
              corpus,
              config,
              dims: result.dims,
              layout:
                config.kind === 'librosa' && config.output === 'sequence'
                  ? 'per clip: frames × dims, time-major'
                  : 'per clip: one vector of dims',
              clips,
            },
            null,
            1,
          ) + '\n',
        );
      });
    }
    const summary = {
      corpus,
      set: config.kind === 'librosa' ? config.name : config.kind,
      clips: files.length,
      extracted: files.length - result.skipped.length,
      skipped: result.skipped.length,
      cacheHits: result.cacheHits,
      dims: result.dims,
      seconds: result.seconds,
      cacheDir,
      out: outDir ? path.resolve(outDir) : null,
    };
    if (args.values.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else
      process.stdout.write(
        `${summary.extracted}/${summary.clips} clips of ${corpus}, set ${summary.set} (${summary.dims} dims), ` +
          `${summary.cacheHits} from cache, ${summary.seconds.toFixed(1)} s${outDir ? `, written to ${summary.out}` : ''}\n`,
      );
  },
};
