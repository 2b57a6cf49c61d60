/** `ser features` as a user runs it: a small real TESS subset, stats set, --out files, cache reuse, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { realDataRoot } from '../helpers/data';
import { runSer as ser } from '../helpers/cli';

test('ser features: extracts a set for a corpus, writes index.json + features.f32, reuses its cache', () => {
  const tess = path.join(realDataRoot('tess'), 'tess');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-features-cli-'));
  try {
    // A 6-clip TESS layout copied from the real corpus: two speaker/emotion folders, three words each.
    for (const folder of ['OAF_angry', 'YAF_sad']) {
      fs.mkdirSync(path.join(work, 'data', 'tess', folder), { recursive: true });
      for (const f of fs.readdirSync(path.join(tess, folder)).slice(0, 3))
        fs.copyFileSync(path.join(tess, folder, f), path.join(work, 'data', 'tess', folder, f));
    }
    const common = ['features', '--corpus', 'tess', '--root', path.join(work, 'data'), '--set', 'stats'];
    const cache = path.join(work, 'cache');
    const out = path.join(work, 'out');
    const first = ser([...common, '--cache', cache, '--out', out, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as Record<string, unknown>;
    assert.equal(summary.clips, 6);
    assert.equal(summary.extracted, 6);
    assert.equal(summary.cacheHits, 0);
    assert.equal(summary.dims, 384);
    const index = JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8')) as {
      dims: number;
      clips: { emotion: string; offset: number; length: number }[];
    };
    assert.equal(index.clips.length, 6);
    assert.deepEqual([...new Set(index.clips.map((c) => c.emotion))].sort(), ['angry', 'sad']);
    assert.equal(fs.statSync(path.join(out, 'features.f32')).size, 6 * 384 * 4);
    const values = new Float32Array(fs.readFileSync(path.join(out, 'features.f32')).buffer.slice(0));
    assert.ok(values.every(Number.isFinite));

    const second = ser([...common, '--cache', cache, '--json']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal((JSON.parse(second.stdout) as { cacheHits: number }).cacheHits, 6);

    const bad = ser([...common.slice(0, -1), 'no-such-set']);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr.trim(),
      /^ser: unknown feature set "no-such-set" \(valid: .*seed000.*stats-plus.*stats\)$/,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
