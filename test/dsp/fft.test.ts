/** realFft against a direct DFT, for power-of-two, mixed-radix (even) and odd sizes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realFft } from '../../lib/dsp';
import { fastLn } from '../../lib/features';

function directDft(x: Float64Array): { re: number[]; im: number[] } {
  const n = x.length;
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k <= n >> 1; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      sr += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      si -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
    re.push(sr);
    im.push(si);
  }
  return { re, im };
}

for (const n of [4, 8, 16, 64, 256, 512, 2048, 4096, 6, 10, 30, 400, 1000, 882, 2 * 97, 9, 25]) {
  test(`realFft(${n}) equals the direct DFT`, () => {
    // A deterministic, non-trivial signal (chirp plus a ramp).
    const x = Float64Array.from({ length: n }, (_, t) => Math.sin(0.003 * t * t + 0.4) + t / n - 0.5);
    const fft = realFft(n);
    const re = new Float64Array((n >> 1) + 1);
    const im = new Float64Array((n >> 1) + 1);
    fft.forward(x, re, im);
    const want = directDft(x);
    const scale = Math.max(...want.re.map(Math.abs), ...want.im.map(Math.abs));
    for (let k = 0; k <= n >> 1; k++) {
      assert.ok(Math.abs(re[k] - want.re[k]) <= 1e-12 * scale * Math.log2(n + 1), `re[${k}]`);
      assert.ok(Math.abs(im[k] - want.im[k]) <= 1e-12 * scale * Math.log2(n + 1), `im[${k}]`);
    }
    assert.equal(realFft(n), fft, 'cached per size');
  });
}

test('fastLn matches Math.log to 2e-16 absolute + 4 ulp relative from 1e-12 to 1e12, and 0 / subnormals fall back', () => {
  let worst = 0;
  for (let i = 0; i < 200000; i++) {
    const x = 10 ** (-12 + (24 * i) / 200000) * (1 + ((i * 7919) % 1000) / 1e6);
    const want = Math.log(x);
    const err = Math.abs(fastLn(x) - want) / (2e-16 + 4 * Number.EPSILON * Math.abs(want));
    worst = Math.max(worst, err);
  }
  assert.ok(worst <= 1, `worst error ${worst} of the bound`);
  assert.equal(fastLn(1), 0);
  assert.equal(fastLn(0), -Infinity);
  assert.equal(fastLn(5e-324), Math.log(5e-324));
});
