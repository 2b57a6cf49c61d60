#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) under node's test runner.
// Node 20 does not expand globs, so the files are listed here. Extra args filter by substring:
//   node scripts/run-tests.js audio features
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const testRoot = path.join(root, 'dist', 'test');
const filters = process.argv.slice(2);

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.test.js') ? [p] : [];
  });
}

const files = walk(testRoot)
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did the build run?)');
  process.exit(1);
}
const reporter = process.env.SER_TEST_REPORTER ?? 'spec';
const r = spawnSync(
  process.execPath,
  ['--test', `--test-reporter=${reporter}`, '--test-concurrency=1', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, SER_TEST: '1' } },
);
process.exit(r.status ?? 1);
