import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { plotlyBundleSource } from '../../lib/viz/html';
import { ensureTslabKernel, jupyterEnv, jupyterPlotlyFile } from '../../lib/report';
import { projectRoot } from '../../lib/util/paths';

test('ensureTslabKernel writes the kernel spec under <root>/.jupyter, idempotently', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-kernel-'));
  try {
    assert.throws(() => ensureTslabKernel(root), /tslab is not installed/);
    fs.symlinkSync(path.join(projectRoot(), 'node_modules'), path.join(root, 'node_modules'));
    const file = ensureTslabKernel(root);
    assert.equal(file, path.join(root, '.jupyter', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'));
    const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as { argv: string[]; display_name: string };
    assert.deepEqual(spec.argv, [
      process.execPath,
      '--require',
      path.join(projectRoot(), 'dist', 'lib', 'report', 'kernel-preload.js'),
      path.join(root, 'node_modules', 'tslab', 'bin', 'tslab'),
      'kernel',
      '--config-path',
      '{connection_file}',
    ]);
    assert.equal(spec.display_name, 'TypeScript');
    // plotly.js where Jupyter Notebook serves its config's custom/ folder (at <base_url>custom/).
    const bundle = jupyterPlotlyFile(root);
    assert.equal(bundle, path.join(root, '.jupyter', 'config', 'custom', 'ser-plotly.js'));
    assert.equal(fs.readFileSync(bundle, 'utf8'), plotlyBundleSource());
    // A second run leaves the file alone (same inode, same mtime) and adds no stray files.
    const before = fs.statSync(file);
    assert.equal(ensureTslabKernel(root), file);
    const after = fs.statSync(file);
    assert.equal(after.ino, before.ino);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['kernel.json']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("the kernel preload quiets tfjs's orthogonal-initializer notice and nothing else", () => {
  const notice =
    'Orthogonal initializer is being called on a matrix with more than 2000 (65536) elements: Slowness may result.';
  const warnings: unknown[][] = [];
  const saved = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    // Loading the preload wraps the console.warn of the moment, as it does in a kernel at start-up.
    const file = require.resolve('../../lib/report/kernel-preload');
    delete require.cache[file];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const preload = require(file) as typeof import('../../lib/report/kernel-preload');
    assert.ok(preload.isQuietNotice([notice]));
    console.warn(notice);
    console.warn('Orthogonal initializer is being called on a matrix: something else');
    console.warn(notice, 'with more arguments');
    console.warn(new Error('boom'));
    assert.deepEqual(
      warnings.map((w) => String(w[0])),
      ['Orthogonal initializer is being called on a matrix: something else', notice, 'Error: boom'],
    );
  } finally {
    console.warn = saved;
  }
});

test('jupyterEnv points every Jupyter directory inside the project', () => {
  const env = jupyterEnv('/some/project');
  assert.deepEqual(Object.keys(env).sort(), [
    'IPYTHONDIR',
    'JUPYTER_CONFIG_DIR',
    'JUPYTER_DATA_DIR',
    'JUPYTER_PATH',
    'JUPYTER_PLATFORM_DIRS',
    'JUPYTER_RUNTIME_DIR',
  ]);
  for (const [key, value] of Object.entries(env)) {
    if (key !== 'JUPYTER_PLATFORM_DIRS')
      assert.ok(value.startsWith('/some/project/.jupyter/'), `${key}=${value}`);
  }
  assert.equal(env.JUPYTER_PATH, '/some/project/.jupyter/share/jupyter');
});
