#!/usr/bin/env node
// Build step run by `npm ci` (prepare), `npm test` and `npm run report`:
// 1. compile the WebAssembly kernels from C when clang is present (lib/engine/wasm/build.js),
// 2. compile TypeScript into dist/ (incremental, so repeated calls are cheap).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const wasmBuild = path.join(root, 'lib', 'engine', 'wasm', 'build.js');
if (fs.existsSync(wasmBuild)) execFileSync(process.execPath, [wasmBuild], { stdio: 'inherit' });

const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
try {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], {
    stdio: 'inherit',
    cwd: root,
  });
} catch {
  console.error('build: TypeScript compilation failed (errors above)');
  process.exit(1);
}
