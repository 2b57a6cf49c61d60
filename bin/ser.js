#!/usr/bin/env node
'use strict';
// `ser` command: runs the compiled CLI (dist/ is built by `npm ci`/`npm install` through the prepare script).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'lib', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('ser: not built yet: run `npm run build` in ' + path.join(__dirname, '..') + '\n');
  process.exit(1);
}
const cli = require(entry);
cli.main(process.argv.slice(2)).then((code) => cli.exitAfterFlush(code));
