/**
 * `ser serve`: the browser demo (dist/browser, bundled by scripts/build.js) and one model directory over
 * HTTP on the loopback interface, with node:http only. The page reads `model/ser.json` and the model files it
 * names; the tfjs wasm backend fetches its binaries from `wasm/`. Files are read per request, so a model
 * directory retrained in place is served fresh (the page checks checksums, so a half-copied one is refused).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Start serving; resolves once listening. Throws a one-line {@link UserError} for a bad directory or port. */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const { modelDir } = options;
  const meta = readModelMeta<Partial<TrainedModelPayload>>(modelDir);
  if (!isPipelineMeta(meta))
    throw new UserError('the demo serves model directories written by ser train --model', modelDir);
  if (!fs.existsSync(path.join(demoBundleDir(), 'demo.js')))
    throw new UserError('the browser demo is not built: run npm run build', demoBundleDir());
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = req.method === 'GET' || req.method === 'HEAD' ? resolveRequest(urlPath, modelDir) : null;
    fs.readFile(file ?? '', (err, data) => {
      if (file === null || err) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-length': data.length,
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : data);
    });
  });
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
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
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
