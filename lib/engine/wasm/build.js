#!/usr/bin/env node
// Compiles the engine's C kernels (kernels.c) to WebAssembly SIMD: lib/engine/wasm/kernels.wasm.
// Run by scripts/build.js before tsc. Skips the rebuild when the .wasm is newer than its sources;
// without clang it prints one line and exits 0 (the engine then reports that it runs stock kernels).
// The module imports a shared memory so worker threads can run the same kernels on the same data.
// On x86-64 it then compiles the same kernels natively with an AVX2/FMA GEMM (../native/engine.c) into
// ../native/engine.node with the system C compiler and Node's headers, skipping silently without
// either (the wasm kernels run instead).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = __dirname;
const sources = [
  path.join(dir, 'kernels.c'),
  path.join(dir, 'svm.c'),
  path.join(dir, 'conv-loops.h'),
  __filename,
];
const output = path.join(dir, 'kernels.wasm');
const nativeDir = path.join(dir, '..', 'native');
const nativeSources = [
  path.join(nativeDir, 'engine.c'),
  path.join(nativeDir, 'wasm-simd-x86.h'),
  path.join(dir, 'kernels.c'),
  path.join(dir, 'conv-loops.h'),
  __filename,
];
const nativeOutput = path.join(nativeDir, 'engine.node');

function newerThan(file, inputs) {
  if (!fs.existsSync(file)) return false;
  const built = fs.statSync(file).mtimeMs;
  return inputs.every((s) => fs.statSync(s).mtimeMs <= built);
}

/** Node-API headers: next to this node binary, else the Debian package's. */
function nodeHeaders() {
  const dirs = [path.resolve(path.dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'];
  return dirs.find((d) => fs.existsSync(path.join(d, 'node_api.h')));
}

function buildNative() {
  if (process.arch !== 'x64' || process.env.SER_NATIVE_KERNELS === '0') return;
  if (newerThan(nativeOutput, nativeSources)) return;
  const headers = nodeHeaders();
  if (!headers) return;
  const tmp = `${nativeOutput}.${process.pid}.tmp`;
  try {
    execFileSync(
      process.env.CC ?? 'cc',
      // No contraction into fused multiply-adds: the kernels equal their wasm build bit for bit.
      ['-O3', '-shared', '-fPIC', '-Wall', '-ffp-contract=off', `-I${headers}`, '-o', tmp, nativeSources[0]],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    fs.renameSync(tmp, nativeOutput);
  } catch (err) {
    // No compiler or a failed build: the wasm kernels run. An addon left from an earlier build would not match
    // the sources (kernel numbering, arguments), so it goes too.
    fs.rmSync(tmp, { force: true });
    fs.rmSync(nativeOutput, { force: true });
    const why =
      err.code === 'ENOENT'
        ? ''
        : String(err.stderr ?? '')
            .split('\n')
            .find((l) => l.includes('error'));
    if (why) console.error(`engine: native addon not built (the wasm kernels run): ${why.trim()}`);
  }
}

buildNative();
if (newerThan(output, sources)) process.exit(0);

const clang = process.env.CLANG ?? 'clang';
const args = [
  '--target=wasm32',
  '-O3',
  '-msimd128',
  '-matomics',
  '-mbulk-memory',
  '-nostdlib',
  '-fno-builtin',
  '-Wall',
  '-Wl,--no-entry',
  '-Wl,--export-dynamic',
  '-Wl,--import-memory',
  '-Wl,--shared-memory',
  '-Wl,--max-memory=2147483648',
  '-Wl,--export=__heap_base',
  '-o',
  output,
  path.join(dir, 'kernels.c'),
  path.join(dir, 'svm.c'),
];
try {
  execFileSync(clang, args, { stdio: ['ignore', 'inherit', 'pipe'] });
} catch (err) {
  const e = /** @type {NodeJS.ErrnoException & {stderr?: Buffer}} */ (err);
  if (e.code === 'ENOENT') {
    console.log(
      'engine: clang not found, WebAssembly kernels not built (the engine falls back to stock tfjs kernels)',
    );
    process.exit(0);
  }
  process.stderr.write(e.stderr ?? String(err));
  console.log(
    'engine: clang failed to build lib/engine/wasm/kernels.wasm (the engine falls back to stock tfjs kernels)',
  );
  process.exit(0);
}
