/**
 * `ser serve --model DIR [--port N]`: the browser demo and one model directory on localhost until Ctrl-C.
 */
import { startDemoServer } from '../infer/serve';
import { UserError } from '../util/errors';
import { intOption, MODEL_DIR_OPTIONS, requireModelDir } from './args';
import type { Command } from './commands';

export const serve: Command = {
  spec: {
    name: 'serve',
    summary:
      'ser serve — the browser demo (uploaded files and the microphone, live emotion bars) for a model directory on localhost.',
    usage: 'ser serve --model-dir DIR [--port N]',
    options: {
      ...MODEL_DIR_OPTIONS,
      port: {
        type: 'string',
        value: 'N',
        description: 'port on 127.0.0.1 (0: any free port)',
        default: '8080',
      },
    },
    examples: ['ser serve --model-dir models/tess-best-mlp --port 8080'],
  },
  async run(args) {
    const modelDir = requireModelDir(args, 'serve');
    const port = intOption(args, 'port', 'serve');
    if (port !== undefined && port > 65535)
      throw new UserError(`serve: --port must be at most 65535, got ${port}`);
    const server = await startDemoServer({ modelDir, port });
    process.stdout.write(`ser serve: open ${server.url} (model ${modelDir}; Ctrl-C stops)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};
