/**
 * `ser serve`: the browser demo (dist/browser, bundled by scripts/build.js) and one model directory over
 * HTTP on the loopback interface, with node:http only. The page reads `model/ser.json` and the model files it
 * names; the tfjs wasm backend fetches its binaries from `wasm/`. Files are read per request, so a model
 * directory retrained in place is served fresh (the page checks checksums, so a half-copied one is refused).
 *
 * Any web page the user visits can send requests here, so every request is parsed defensively: a malformed
 * target is a 400, another method a 405, a request body a 413, oversized headers a 431, a slow client is cut
 * off by the request and idle timeouts, and only the loopback names (and the bound address) are accepted as
 * `Host`, which defeats DNS rebinding. No request can stop the server.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import { readModelMeta } from '../models/model-dir';
import { CLASSIC_MODEL_FILES, MODEL_FILES } from '../models/model-format';
import type { TrainedModelPayload } from '../train/train-model';
import { UserError } from '../util/errors';
import { isPipelineMeta } from '../train/pipeline';

export interface DemoServerOptions {
  modelDir: string;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1: the demo is for this machine (and localhost is a secure context for the microphone). */
  host?: string;
  /** Milliseconds a client has to send a whole request (headers included). Default 30 000. */
  requestTimeoutMs?: number;
  /** Milliseconds a client has to send its headers. Default 10 000. */
  headersTimeoutMs?: number;
  /** Milliseconds a connection may stay silent (between requests too) before it is closed. Default 30 000. */
  idleTimeoutMs?: number;
}

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

/** Most connections served at once; more wait in the kernel's backlog. */
const MAX_CONNECTIONS = 128;

/** The bundled page, next to the compiled lib/ in dist/. */
export function demoBundleDir(): string {
  return path.join(__dirname, '..', '..', 'browser');
}

function wasmDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

/** The file a request path maps to, or null: only the page, the model's files and tfjs's wasm binaries. */
function resolveRequest(urlPath: string, modelDir: string): string | null {
  const bundle = demoBundleDir();
  if (urlPath === '/' || urlPath === '/index.html') return path.join(bundle, 'index.html');
  if (urlPath === '/demo.js' || urlPath === '/demo.js.map') return path.join(bundle, urlPath.slice(1));
  const model = /^\/model\/([\w.]+)$/.exec(urlPath);
  if (model && ([...MODEL_FILES, ...CLASSIC_MODEL_FILES] as string[]).includes(model[1]))
    return path.join(modelDir, model[1]);
  const wasm = /^\/wasm\/(tfjs-backend-wasm[\w-]*\.wasm)$/.exec(urlPath);
  if (wasm) return path.join(wasmDir(), wasm[1]);
  return null;
}

/**
 * The decoded path of an origin-form request target (`/a/b?q`), or null when it is not one: absolute or
 * authority forms, `*`, malformed percent-encoding, control characters or NUL after decoding.
 */
export function requestPath(target: string | undefined): string | null {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return null;
  const raw = target.split(/[?#]/, 1)[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return /[\u0000-\u001f\u007f]/.test(decoded) ? null : decoded;
}

/** The host names a request may name: loopback (names and addresses) and the address the server is bound to. */
function allowedHosts(boundHost: string): Set<string> {
  const bound = boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost;
  return new Set(['127.0.0.1', 'localhost', '[::1]', bound.toLowerCase()]);
}

/** True when a `Host` header names an allowed host and, if it has a port, the server's port. */
export function hostAllowed(header: string | undefined, allowed: Set<string>, port: number): boolean {
  if (header === undefined) return false;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!m) return false;
  if (m[2] !== undefined && Number(m[2]) !== port) return false;
  return allowed.has(m[1].toLowerCase());
}

/** The inline `<style>` blocks of the page, as CSP hash sources (so no inline script or style can sneak in). */
function styleHashes(html: string): string[] {
  return [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`,
  );
}

/**
 * The page's Content-Security-Policy: its own scripts, the AudioWorklet it loads from a blob: URL and
 * WebAssembly compilation (tfjs's wasm backend); its inline styles by hash; fetches to this server only.
 */
function contentSecurityPolicy(html: string): string {
  return [
    "default-src 'none'",
    "script-src 'self' blob: 'wasm-unsafe-eval'",
    `style-src ${["'self'", ...styleHashes(html)].join(' ')}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every response carries. */
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

function sendError(res: http.ServerResponse, status: number, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${http.STATUS_CODES[status] ?? 'error'}\n`.toLowerCase();
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extra,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * A parse error or timeout outside a request's handling: a plain response when the connection can still take
 * one (no response of ours half written on it), then the connection is closed.
 */
function onClientError(err: NodeJS.ErrnoException, socket: Socket, responding: WeakSet<Socket>): void {
  if (!socket.writable || responding.has(socket) || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = `${http.STATUS_CODES[status]}\n`.toLowerCase();
  socket.write(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nconnection: close\r\n` +
      `content-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\n` +
      Object.entries(SECURITY_HEADERS)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      `\r\n${body}`,
  );
  // Closed once written, whether or not the client reads it.
  socket.destroySoon();
}

/** Start serving; resolves once listening. Throws a one-line {@link UserError} for a bad directory or port. */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const { modelDir } = options;
  const meta = readModelMeta<Partial<TrainedModelPayload>>(modelDir);
  if (!isPipelineMeta(meta))
    throw new UserError('the demo serves model directories written by ser train --model', modelDir);
  if (!fs.existsSync(path.join(demoBundleDir(), 'demo.js')))
    throw new UserError('the browser demo is not built: run npm run build', demoBundleDir());
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout);
  const idleTimeout = options.idleTimeoutMs ?? 30_000;
  let allowed = allowedHosts(host);
  let boundPort = port;
  const responding = new WeakSet<Socket>();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (req.headers.host === undefined) return sendError(res, 400);
    if (!hostAllowed(req.headers.host, allowed, boundPort)) return sendError(res, 403);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, { allow: 'GET, HEAD' });
    const length = req.headers['content-length'];
    if ((length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined) {
      res.shouldKeepAlive = false;
      return sendError(res, 413);
    }
    const urlPath = requestPath(req.url);
    if (urlPath === null) return sendError(res, 400);
    const file = resolveRequest(urlPath, modelDir);
    if (file === null) return sendError(res, 404);
    let data: Buffer;
    try {
      data = await fs.promises.readFile(file);
    } catch {
      return sendError(res, 404);
    }
    const headers: Record<string, string | number> = {
      ...SECURITY_HEADERS,
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': data.length,
    };
    if (path.extname(file) === '.html')
      headers['content-security-policy'] = contentSecurityPolicy(data.toString());
    if (res.destroyed) return;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : data);
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const socket = req.socket;
    responding.add(socket);
    res.on('close', () => responding.delete(socket));
    req.on('error', () => res.destroy());
    res.on('error', () => res.destroy());
    handle(req, res).catch(() => sendError(res, 500));
  };
  const server = http.createServer(
    { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) },
    onRequest,
  );
  // `Expect: 100-continue` gets the final answer at once (no request here has a body to wait for).
  server.on('checkContinue', onRequest);
  server.maxConnections = MAX_CONNECTIONS;
  server.keepAliveTimeout = Math.min(5000, idleTimeout);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) =>
    onClientError(err, socket, responding),
  );
  // Node closes a connection silent for this long (no 'timeout' listener on the server).
  server.setTimeout(idleTimeout);
  server.on('connection', (socket: Socket) => socket.on('error', () => socket.destroy()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new UserError(`port ${port} is in use: choose another with --port`)
          : new UserError(`cannot listen on ${host}:${port} (${err.code ?? err.message})`),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  boundPort = address.port;
  allowed = allowedHosts(address.address);
  allowed.add(host.toLowerCase());
  // A listening server has no further use for 'error' events from listen; keep one so none is unhandled.
  server.on('error', () => undefined);
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : host;
  return {
    url: `http://${urlHost}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
