/**
 * `ser serve` as a user runs it: prints the URL, serves the page, the bundle, the model's files and tfjs's wasm
 * binaries and nothing else; a directory that is not a trained model or a busy port is a one-line error.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runSer, trainOnTess } from '../helpers/cli';
import { repoRoot } from '../helpers/data';

test('ser serve --model DIR --port 0: page, model files, wasm; 404 elsewhere; one-line errors', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-serve-'));
  const model = path.join(tmp, 'svm');
  trainOnTess('best', model, ['--limit-per-class', '4'], 120_000);
  const child = spawn(process.execPath, [
    path.join(repoRoot(), 'bin', 'ser.js'),
    'serve',
    '--model-dir',
    model,
    '--port',
    '0',
  ]);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^ser serve: open (http:\/\/127\.0\.0\.1:\d+\/) \(model .*; Ctrl-C stops\)$/m.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`ser serve exited with ${code}: ${out}`)));
    });
    const get = async (p: string) => {
      const res = await fetch(url + p);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    };
    const page = await get('');
    assert.equal(page.status, 200);
    assert.match(page.body, /<script type="module" src="demo.js">/);
    assert.match((await get('demo.js')).type ?? '', /^text\/javascript/);
    const meta = await get('model/ser.json');
    assert.equal(meta.body, fs.readFileSync(path.join(model, 'ser.json'), 'utf8'));
    assert.equal((await get('model/classic.json')).status, 200);
    assert.equal((await get('wasm/tfjs-backend-wasm-simd.wasm')).type, 'application/wasm');
    for (const p of ['model/history.json', 'model/../ser.json', 'package.json', 'wasm/../package.json'])
      assert.equal((await get(p)).status, 404, p);

    // A busy port and a directory that is not a trained model: one line each, exit 1.
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    const inUse = runSer(['serve', '--model-dir', model, '--port', String(port)]);
    busy.close();
    assert.equal(inUse.code, 1);
    assert.equal(inUse.stderr.trim(), `ser: port ${port} is in use: choose another with --port`);
    const badPort = runSer(['serve', '--model-dir', model, '--port', '70000']);
    assert.equal(badPort.code, 1);
    assert.equal(badPort.stderr.trim(), 'ser: serve: --port must be at most 65535, got 70000');
    const notModel = runSer(['serve', '--model-dir', tmp]);
    assert.equal(notModel.code, 1);
    assert.match(notModel.stderr.trim(), /^ser: .*missing ser\.json\)$/);
  } finally {
    child.kill('SIGINT');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
