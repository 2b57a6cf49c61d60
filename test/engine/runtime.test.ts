import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { findKernelsWasm, WasmRuntime } from '../../lib/engine/runtime';
import { assertClose, randomArray } from './helpers';

/** Row-major C = A · B in float64. */
function referenceGemm(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let p = 0; p < K; p++) for (let j = 0; j < N; j++) c[i * N + j] += a[i * K + p] * b[p * N + j];
  return c;
}

describe('engine WasmRuntime (shared memory, worker threads)', () => {
  const file = findKernelsWasm();
  const runtimes: WasmRuntime[] = [];
  after(async () => {
    await Promise.all(runtimes.map((rt) => rt.close()));
  });

  it('finds the compiled module from dist/', () => {
    assert.ok(file, 'lib/engine/wasm/kernels.wasm must be built (npm run build)');
  });

  for (const threads of [1, 3]) {
    it(`splits a GEMM over ${threads} thread(s), uneven row counts and edge tiles included`, () => {
      const rt = new WasmRuntime(file as string, threads);
      runtimes.push(rt);
      assert.equal(rt.threads, threads);
      for (const [M, K, N] of [
        [1, 3, 5],
        [7, 9, 8],
        [37, 41, 29],
        [130, 64, 72],
      ]) {
        const a = randomArray(M * K, M);
        const b = randomArray(K * N, N);
        rt.reset();
        const pa = rt.put(a);
        const pb = rt.put(b);
        const pc = rt.alloc(M * N);
        rt.parallel('gemm_rows', M, (r0, r1) => [r0, r1, N, K, pa, K, 1, pb, N, pc, N, 0]);
        assertClose(rt.view(pc, M * N), referenceGemm(a, b, M, K, N), 1e-5, `${M}x${K}x${N}`);
      }
    });
  }

  it('runs every row of a chunked call exactly once, call after call, whichever thread claims it', () => {
    const rt = new WasmRuntime(file as string, 3);
    runtimes.push(rt);
    const native = new WasmRuntime(file as string, 1);
    runtimes.push(native);
    // A · I = A row for row: any row run twice (accumulating) or skipped shows.
    const K = 8;
    const eye = new Float32Array(K * K).map((_, i) => (i % (K + 1) === 0 ? 1 : 0));
    for (let round = 0; round < 200; round++) {
      const M = 1 + ((round * 37) % 97);
      const a = randomArray(M * K, round);
      rt.reset();
      const pa = rt.put(a);
      const pi = rt.put(eye);
      const pc = rt.put(new Float32Array(M * K));
      // acc = 1: a row run twice would hold 2·A.
      if (round % 3 === 0)
        rt.parallelParts('gemm_rows', M, (r0, r1) => [r0, r1, K, K, pa, K, 1, pi, K, pc, K, 1]);
      else
        rt.parallel('gemm_rows', M, (r0, r1) => [r0, r1, K, K, pa, K, 1, pi, K, pc, K, 1], 1 + (round % 5));
      assert.deepEqual(Array.from(rt.view(pc, M * K)), Array.from(a), `round ${round}, ${M} rows`);
    }
  });

  it('gives every chunk its own output buffer when an argument advances per chunk', () => {
    const rt = new WasmRuntime(file as string, 3);
    runtimes.push(rt);
    const [rows, C] = [1000, 4];
    const x = randomArray(rows * C, 9);
    const { chunks, chunkSize } = rt.chunkPlan(rows);
    assert.ok(chunks > rt.threads, 'more chunks than threads');
    for (let round = 0; round < 20; round++) {
      rt.reset();
      const px = rt.put(x);
      const out = rt.alloc(2 * C * chunks);
      const stride = 8 * C;
      rt.parallel(
        'bn_row_sums',
        rows,
        (r0, r1) => [r0, r1, C, px, 0, out + (r0 / chunkSize) * stride],
        1,
        undefined,
        {
          arg: 5,
          stride,
        },
      );
      const sums = new Float64Array(rt.memory.buffer, out, C * chunks);
      for (let c = 0; c < chunks; c++)
        for (let k = 0; k < C; k++) {
          let expected = 0;
          for (let r = c * chunkSize; r < Math.min(rows, (c + 1) * chunkSize); r++) expected += x[r * C + k];
          assert.ok(Math.abs(sums[c * C + k] - expected) < 1e-9, `round ${round}, chunk ${c}, channel ${k}`);
        }
    }
  });

  it('never sleeps past the end of a call, even without spinning (SER_SPIN_US=0)', () => {
    // A wait that starts after the last chunk's wake-up would sleep its full timeout (1 s) per call.
    const script = `
      const { findKernelsWasm, WasmRuntime } = require(${JSON.stringify(require.resolve('../../lib/engine/runtime'))});
      const rt = new WasmRuntime(findKernelsWasm(), 2);
      const [M, K] = [1536, 64];
      const pa = rt.put(new Float32Array(M * K).fill(1));
      const pc = rt.alloc(M * K);
      const t0 = performance.now();
      for (let i = 0; i < 200; i++) {
        rt.parallel('gemm_rows', M, (r0, r1) => [r0, r1, K, K, pa, K, 1, pa, K, pc, K, 0]);
        rt.parallelParts('gemm_rows', M, (r0, r1) => [r0, r1, K, K, pa, K, 1, pa, K, pc, K, 0]);
      }
      console.log(performance.now() - t0);
      process.exit(0);`;
    const r = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, SER_SPIN_US: '0' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Number(r.stdout) < 3000, `400 calls took ${r.stdout} ms`);
  });

  it('refuses a chunked call whose arguments do not start with the chunk bounds', () => {
    const rt = new WasmRuntime(file as string, 2);
    runtimes.push(rt);
    rt.reset();
    const p = rt.alloc(64);
    assert.throws(
      () => rt.parallel('gemm_rows', 8, (r0, r1) => [1, 1, 1, 8, p, 8, 1, p, 1, p, 1, r0 + r1]),
      /must start with r0, r1/,
    );
  });

  it('grows its memory for large scratch buffers and keeps views valid', () => {
    const rt = new WasmRuntime(file as string, 1);
    runtimes.push(rt);
    const before = rt.memory.buffer.byteLength;
    rt.reset();
    const big = rt.zeros(8 << 20);
    assert.ok(rt.memory.buffer.byteLength > before);
    rt.view(big, 4).set([1, 2, 3, 4]);
    assert.deepEqual(Array.from(rt.view(big, 4)), [1, 2, 3, 4]);
  });
});
