#!/usr/bin/env node
// Compiles the engine's C kernels (kernels.c) to WebAssembly SIMD: lib/engine/wasm/kernels.wasm.
// Run by scripts/build.js before tsc. Skips the rebuild when the .wasm is newer than its sources;
// without clang it prints one line and exits 0 (the engine then reports that it runs stock kernels).
// The module imports a shared memory so worker threads can run the same kernels on the same data.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = __dirname;
const sources = [path.join(dir, 'kernels.c'), path.join(dir, 'svm.c'), __filename];
const output = path.join(dir, 'kernels.wasm');

function newerThanSources(file) {
  if (!fs.existsSync(file)) return false;
  const built = fs.statSync(file).mtimeMs;
  return sources.every((s) => fs.statSync(s).mtimeMs <= built);
}

if (newerThanSources(output)) process.exit(0);

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
