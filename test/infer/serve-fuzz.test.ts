/**
 * `ser serve` under hostile requests, as any web page the user visits (or a local program) could send them:
 * thousands of random and malformed requests over loopback get well-formed error answers, none stops or hangs
 * the server, and it still serves the page afterwards. Also: the answers each malformed kind gets, the security
 * headers, the Host allow-list (DNS rebinding) and the timeouts that cut slow clients off.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { startDemoServer } from '../../lib/infer/serve';
import { Rng } from '../../lib/util/rng';
import { trainOnTess } from '../helpers/cli';
import { repoRoot } from '../helpers/data';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-serve-fuzz-'));
const modelDir = path.join(tmp, 'model');
let child: ChildProcessWithoutNullStreams;
let port = 0;

interface RawAnswer {
  /** The status code of the first response, or null when the connection closed without one. */
  status: number | null;
  head: string;
  body: string;
  ms: number;
}

/**
 * Send `bytes` on a fresh loopback connection and read until the server closes it. The client half-closes once
 * a response head has arrived, or after 300 ms without one (so that a request cut short ends there).
 */
function raw(bytes: Buffer | string, timeoutMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no close within ${timeoutMs} ms after ${JSON.stringify(String(bytes).slice(0, 80))}`),
      );
    }, timeoutMs);
    const finish = () => {
      if (!socket.writableEnded) socket.end();
    };
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      if (Buffer.concat(chunks).includes('\r\n\r\n')) finish();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      resolve({
        status: m ? Number(m[1]) : null,
        head: split < 0 ? text : text.slice(0, split),
        body: split < 0 ? '' : text.slice(split + 4),
        ms: Date.now() - start,
      });
    });
    socket.write(bytes, () => setTimeout(finish, 300));
  });
}

function request(target: string, method = 'GET', headers: string[] = [`Host: 127.0.0.1:${port}`]): string {
  return `${method} ${target} HTTP/1.1\r\n${headers.map((h) => h + '\r\n').join('')}Connection: close\r\n\r\n`;
}

before(async () => {
  trainOnTess('best-mlp', modelDir, ['--limit-per-class', '4', '--epochs', '2'], 180_000);
  child = spawn(process.execPath, [
    path.join(repoRoot(), 'bin', 'ser.js'),
    'serve',
    '--model-dir',
    modelDir,
    '--port',
    '0',
  ]);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`ser serve exited with ${code}: ${out}`)));
  });
  port = Number(new URL(url).port);
});

after(() => {
  child.kill('SIGINT');
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('each malformed kind of request gets its own status and the server keeps running', async () => {
  const host = [`Host: 127.0.0.1:${port}`];
  assert.equal((await raw(request('/%'))).status, 400);
  assert.equal((await raw(request('/%E0%A4%A'))).status, 400);
  assert.equal((await raw(request('/a%00b'))).status, 400);
  assert.equal((await raw(request('//['))).status, 400);
  assert.equal((await raw(request('http://127.0.0.1/'))).status, 400);
  assert.equal((await raw(request('*', 'OPTIONS'))).status, 405);
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
    const answer = await raw(request('/', method, [...host, 'Content-Length: 0']));
    assert.equal(answer.status, 405, method);
    assert.match(answer.head, /^allow: GET, HEAD$/im);
  }
  assert.equal((await raw(request('/', 'GET', [...host, 'Content-Length: 5']) + 'hello')).status, 413);
  assert.equal((await raw(request('/' + 'a'.repeat(20_000)))).status, 431);
  assert.equal((await raw(request('/', 'GET', [...host, `X-Big: ${'b'.repeat(20_000)}`]))).status, 431);
  assert.equal((await raw('GARBAGE\r\n\r\n')).status, 400);
  assert.equal((await raw(request('/model/../ser.json'))).status, 404);
  assert.equal((await raw(request('/nothing'))).status, 404);
  // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own name as Host.
  for (const h of ['evil.example', `evil.example:${port}`, '127.0.0.1:1', '', 'localhost.evil.example'])
    assert.equal((await raw(request('/model/ser.json', 'GET', [`Host: ${h}`]))).status, 403, h);
  assert.equal((await raw(request('/', 'GET', []))).status, 400, 'no Host');
  for (const h of [`localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`, '127.0.0.1'])
    assert.equal((await raw(request('/model/ser.json', 'GET', [`Host: ${h}`]))).status, 200, h);
  assert.equal(child.exitCode, null);
});

test('the page is sent with nosniff, a Content-Security-Policy that allows only itself, and no referrer', async () => {
  const page = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self' blob: 'wasm-unsafe-eval'/);
  assert.match(csp, /style-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
  assert.match(csp, /frame-ancestors 'none'/);
  const missing = await fetch(`http://127.0.0.1:${port}/missing`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('x-content-type-options'), 'nosniff');
});

/** One random request: mostly near-valid ones with one part mangled, some pure noise. */
function randomRequest(rng: Rng): Buffer {
  const pick = <T>(xs: T[]): T => xs[rng.int(xs.length)];
  const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => rng.int(256)));
  const ascii = (n: number) => String.fromCharCode(...Array.from({ length: n }, () => 32 + rng.int(95)));
  const kind = rng.int(10);
  if (kind === 0) return junk(1 + rng.int(300));
  const method = pick([
    'GET',
    'HEAD',
    'POST',
    'PUT',
    'DELETE',
    'OPTIONS',
    'PATCH',
    'TRACE',
    'CONNECT',
    'get',
    'G\x00T',
    ascii(5),
  ]);
  const target = pick([
    '/',
    '/%',
    '/%%',
    '/%zz',
    '/%E0%A4%A',
    '/%C0%AF',
    '//[',
    '//',
    '*',
    'http://127.0.0.1/',
    '/model/ser.json',
    '/model/..%2fser.json',
    '/model/%2e%2e/ser.json',
    '/wasm/../../package.json',
    '/demo.js?x=%',
    '/index.html#%',
    '/\u00e9',
    '/' + ascii(rng.int(200)),
    '/' + 'x'.repeat(rng.int(30_000)),
    ascii(rng.int(50)),
  ]);
  const version = pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'HTTP/1.1 extra', '']);
  const headers: string[] = [];
  const hostKind = rng.int(6);
  if (hostKind < 3) headers.push(`Host: 127.0.0.1:${port}`);
  else if (hostKind === 3)
    headers.push(`Host: ${pick(['evil.example', 'localhost', '[::1', '127.0.0.1:99999', ascii(10)])}`);
  else if (hostKind === 4) headers.push(`Host: a`, `Host: b`);
  for (let i = rng.int(4); i > 0; i--)
    headers.push(
      pick([
        'Content-Length: 10',
        'Content-Length: -1',
        'Content-Length: 99999999999',
        'Content-Length: 1, 2',
        'Transfer-Encoding: chunked',
        'Transfer-Encoding: gzip, chunked',
        'Expect: 100-continue',
        'Connection: keep-alive',
        'Range: bytes=0-1',
        `X-${ascii(5)}: ${ascii(rng.int(100))}`,
        ascii(20),
        `X-Long: ${'y'.repeat(rng.int(20_000))}`,
        'Bad Header: x',
        ': empty',
      ]),
    );
  let text = `${method} ${target} ${version}\r\n${headers.map((h) => h + '\r\n').join('')}\r\n`;
  const tail = rng.int(6);
  if (tail === 0)
    text = text.slice(0, rng.int(text.length)); // cut short
  else if (tail === 1)
    text += ascii(rng.int(100)); // a body or a second (pipelined) request of noise
  else if (tail === 2) text += text; // two requests pipelined
  const eol = rng.int(8) === 0 ? text.replace(/\r\n/g, '\n') : text;
  return Buffer.concat([Buffer.from(eol, 'latin1'), rng.int(8) === 0 ? junk(rng.int(50)) : Buffer.alloc(0)]);
}

test('5,000 random and malformed requests: each answered or closed promptly, then the page is still served', async () => {
  const rng = new Rng(21);
  const cases = 5000;
  const deadline = Date.now() + 240_000;
  const statuses = new Map<number | null, number>();
  const allowed = new Set([200, 400, 403, 404, 405, 408, 413, 417, 431, 501, 505, null]);
  let sent = 0;
  let slowest = 0;
  const worker = async () => {
    while (sent < cases) {
      assert.ok(Date.now() < deadline, `only ${sent} requests within the time bound`);
      sent++;
      const bytes = randomRequest(rng);
      const answer = await raw(bytes);
      slowest = Math.max(slowest, answer.ms);
      assert.ok(
        allowed.has(answer.status),
        `status ${answer.status} for ${JSON.stringify(bytes.toString('latin1').slice(0, 120))}`,
      );
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  assert.equal(child.exitCode, null, 'ser serve stopped');
  for (const s of [200, 400, 403, 404, 405, 413, 431])
    assert.ok((statuses.get(s) ?? 0) > 0, `no ${s} answer`);
  const page = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="demo.js">/);
  assert.equal((await fetch(`http://127.0.0.1:${port}/model/ser.json`)).status, 200);
  process.stdout.write(
    `# ${sent} requests, slowest ${slowest} ms, statuses ${JSON.stringify([...statuses])}\n`,
  );
});

test('a client that sends its headers too slowly or stays idle is disconnected', async () => {
  const server = await startDemoServer({
    modelDir,
    port: 0,
    headersTimeoutMs: 500,
    requestTimeoutMs: 1000,
    idleTimeoutMs: 1500,
  });
  try {
    const p = Number(new URL(server.url).port);
    const open = (): Promise<{ ms: number; text: string }> =>
      new Promise((resolve) => {
        const start = Date.now();
        const socket = net.connect(p, '127.0.0.1');
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve({ ms: Date.now() - start, text }));
        socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // headers never finished
      });
    const slow = await open();
    assert.ok(slow.ms < 4000, `slow client held ${slow.ms} ms`);
    assert.match(slow.text, /^HTTP\/1\.1 408 /);
    // An idle connection that never sends anything is closed too.
    const idle = await new Promise<number>((resolve) => {
      const start = Date.now();
      const socket = net.connect(p, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Date.now() - start));
      socket.resume();
    });
    assert.ok(idle < 5000, `idle client held ${idle} ms`);
  } finally {
    await server.close();
  }
});
