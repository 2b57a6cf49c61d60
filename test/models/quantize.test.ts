/**
 * Weight quantisation: half-precision rounding on known values, and `ser export` on a model trained here on
 * real TESS clips: weights.bin shrinks to ½ (float16) and ¼ (uint8), tfjs loads the exported directories, and
 * the test-split accuracy and scores move by what the figures below report.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { predictFiles } from '../../lib/infer/predict';
import { readModelMeta } from '../../lib/models/model-dir';
import { float16Bits } from '../../lib/models/quantize';
import { listFiles } from '../../lib/util/files';
import { runSer } from '../helpers/cli';
import { realDataRoot } from '../helpers/data';

test('float16Bits rounds to the nearest half (ties to even), with subnormals, overflow and NaN', () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [65504, 0x7bff],
    [65520, 0x7c00], // halfway past the largest half: rounds to even, which is infinity
    [1e6, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // a tie with zero: even
    [1.5 * 2 ** -24, 0x0002], // a tie between 1 and 2 subnormal steps: even
    [2 ** -14, 0x0400], // smallest normal
    [1 + 2 ** -11, 0x3c00], // tie between 1 and its successor: even (1)
    [1 + 3 * 2 ** -11, 0x3c02], // tie between the successor and the next: even (the next)
  ];
  for (const [value, bits] of cases) assert.equal(float16Bits(value), bits, `float16Bits(${value})`);
  assert.equal(float16Bits(NaN) & 0x7c00, 0x7c00);
  assert.notEqual(float16Bits(NaN) & 0x03ff, 0);
});

test('ser export --quantize float16|uint8: smaller weights, same labels almost everywhere on TESS', async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-export-'));
  try {
    const root = realDataRoot('tess');
    const model = path.join(tmp, 'f32');
    const common = ['--corpus', 'tess', '--root', root, '--limit-per-class', '8'];
    const r = runSer(
      [
        'train',
        '--model',
        'best-mlp',
        ...common,
        '--split',
        'speaker',
        '--fold',
        '2',
        '--epochs',
        '30',
        '--out',
        model,
      ],
      {},
      120_000,
    );
    assert.equal(r.code, 0, r.stderr);
    const bytes = (dir: string) => fs.statSync(path.join(dir, 'weights.bin')).size;
    const all = listFiles(path.join(root, 'tess'), /\.wav$/i).sort();
    const clips = Array.from({ length: 50 }, (_, i) => all[Math.floor((i * all.length) / 50)]);
    const before = await predictFiles(model, clips);
    const accuracy = (dir: string) => {
      const ev = runSer(['evaluate', '--model-dir', dir, ...common, '--json'], {}, 120_000);
      assert.equal(ev.code, 0, ev.stderr);
      return (JSON.parse(ev.stdout) as { accuracy: number; n: number }).accuracy;
    };
    const base = accuracy(model);
    for (const [dtype, ratio, tolerance] of [
      ['float16', 2, 0.01],
      ['uint8', 4, 0.1],
    ] as const) {
      const out = path.join(tmp, dtype);
      const e = runSer(['export', '--model-dir', model, '--quantize', dtype, '--out', out]);
      assert.equal(e.code, 0, e.stderr);
      assert.equal(readModelMeta(out).quantization, dtype);
      // Every weight tensor shrinks by the ratio; the byte counts are exact.
      assert.equal(bytes(out) * ratio, bytes(model));
      const after = await predictFiles(out, clips);
      let maxDiff = 0;
      let sameLabel = 0;
      after.forEach((p, i) => {
        if (p.label === before[i].label) sameLabel++;
        for (const [label, s] of Object.entries(p.scores!))
          maxDiff = Math.max(maxDiff, Math.abs(s - before[i].scores![label]));
      });
      const acc = accuracy(out);
      t.diagnostic(
        `${dtype}: weights ${bytes(model)} → ${bytes(out)} bytes; test-split accuracy ${base.toFixed(4)} → ` +
          `${acc.toFixed(4)}; 50 clips: ${sameLabel}/50 same label, largest score difference ${maxDiff.toExponential(2)}`,
      );
      assert.ok(maxDiff < tolerance, `${dtype}: largest score difference ${maxDiff}`);
      assert.ok(sameLabel >= 48, `${dtype}: ${sameLabel}/50 same label`);
      assert.ok(Math.abs(acc - base) <= 0.05, `${dtype}: accuracy ${base} → ${acc}`);
    }
    const again = runSer(['export', '--model-dir', path.join(tmp, 'uint8'), '--quantize', 'float16', '--out', tmp + '/x']);
    assert.equal(again.code, 1);
    assert.match(again.stderr.trim(), /^ser: .*already quantised \(uint8\)/);
    const bad = runSer(['export', '--model-dir', model, '--quantize', 'int4', '--out', tmp + '/y']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr.trim(), /^ser: export: --quantize must be float16 or uint8, got "int4"$/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
