#!/usr/bin/env node
// Build step run by `npm ci` (prepare), `npm test` and `npm run report`:
// 1. link node_modules/.bin/ser so that `npx ser` works inside this checkout (npm links the bins of
//    dependencies, never the root package's own),
//    and make node_modules/.bin/tsc the project's TypeScript (tslab ships an older one),
// 2. compile the WebAssembly kernels from C when clang is present (lib/engine/wasm/build.js),
// 3. compile TypeScript into dist/ (incremental, so repeated calls are cheap),
// 4. bundle the browser demo (lib/browser) with esbuild into dist/browser/, which `ser serve` serves.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

const binDir = path.join(root, 'node_modules', '.bin');
const link = path.join(binDir, 'ser');
if (fs.existsSync(binDir) && !fs.existsSync(link)) {
  try {
    fs.symlinkSync(path.relative(binDir, path.join(root, 'bin', 'ser.js')), link);
  } catch (err) {
    console.warn(`build: could not link ${link}: ${err.message}`);
  }
}

// tslab's bundled TypeScript (5.0) also installs a `tsc` bin and may win the node_modules/.bin/tsc link;
// point it at the project's pinned TypeScript so `npx tsc` checks exactly what this build compiles with.
const tscLink = path.join(binDir, 'tsc');
const tscTarget = path.relative(binDir, path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'));
try {
  if (fs.existsSync(binDir) && fs.readlinkSync(tscLink) !== tscTarget) {
    fs.unlinkSync(tscLink);
    fs.symlinkSync(tscTarget, tscLink);
  }
} catch {
  // no link yet, or not a symlink: leave it
}

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

// esbuild only strips types (tsc above has checked them); one bundle with tfjs, ~1 s. Modules that need
// node: builtins are swapped for their browser stand-ins in lib/browser (same exports).
const browserOut = path.join(root, 'dist', 'browser');
const BROWSER_STAND_INS = {
  [path.join(root, 'lib', 'engine', 'dsp')]: 'dsp.ts',
  [path.join(root, 'lib', 'models', 'classic-threads')]: 'classic-threads.ts',
};
const standIns = {
  name: 'ser-browser-stand-ins',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const name = BROWSER_STAND_INS[path.resolve(args.resolveDir, args.path).replace(/\.ts$/, '')];
      return name ? { path: path.join(root, 'lib', 'browser', name) } : undefined;
    });
  },
};
require('esbuild')
  .build({
    plugins: [standIns],
    entryPoints: [path.join(root, 'lib', 'browser', 'demo.ts')],
    outfile: path.join(browserOut, 'demo.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
  .then(() =>
    fs.copyFileSync(path.join(root, 'lib', 'browser', 'index.html'), path.join(browserOut, 'index.html')),
  )
  .catch((err) => {
    console.error(`build: bundling the browser demo failed: ${err.message}`);
    process.exit(1);
  });
