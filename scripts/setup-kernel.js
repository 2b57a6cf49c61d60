#!/usr/bin/env node
// Registers the tslab ("TypeScript") Jupyter kernel inside the project, in .jupyter/ (gitignored),
// never in $HOME. Idempotent. runReports and `npm run notebook` do the same on every run; this script
// prints the environment that makes a Jupyter Notebook started by hand use the project's kernel.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const compiled = path.join(root, 'dist', 'lib', 'report', 'kernel.js');
if (!fs.existsSync(compiled)) {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { stdio: 'inherit' });
}
const { ensureTslabKernel, jupyterEnv } = require(compiled);

const file = ensureTslabKernel(root);
console.log(`tslab kernel spec: ${path.relative(root, file)}`);
const env = Object.entries(jupyterEnv(root))
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
console.log('Open the notebooks with `npm run notebook`, or start Jupyter Notebook (Debian: apt-get install');
console.log('jupyter-notebook) with the project settings yourself (nothing is written to $HOME):');
console.log(`  env ${env} jupyter notebook --ip=127.0.0.1 --notebook-dir=notebooks`);
