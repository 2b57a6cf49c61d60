/**
 * `ser notebook`: the notebooks in Jupyter in one command. Runs scripts/setup.sh (Debian's jupyter-notebook,
 * npm packages, the build of lib/), registers the project's tslab kernel, starts Jupyter Notebook on
 * 127.0.0.1 with the notebooks folder, and prints the URL (with its token) until Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { startJupyter } from '../report/jupyter';
import { UserError } from '../util/errors';
import { projectRoot } from '../util/paths';
import { intOption } from './args';
import type { Command } from './commands';

export const notebook: Command = {
  spec: {
    name: 'notebook',
    summary:
      'ser notebook — open the notebooks in Jupyter: setup (jupyter-notebook, build), the TypeScript kernel, a server on 127.0.0.1.',
    usage: 'ser notebook [--port N] [--no-setup]',
    options: {
      port: {
        type: 'string',
        value: 'N',
        description: 'port on 127.0.0.1 (Jupyter takes the next free one when it is busy)',
        default: '8888',
      },
      'no-setup': {
        type: 'boolean',
        description: 'skip scripts/setup.sh (Debian packages, npm ci or the build)',
      },
    },
    examples: ['ser notebook', 'npm run notebook', 'ser notebook --port 9000 --no-setup'],
  },
  async run(args) {
    const port = intOption(args, 'port', 'notebook');
    if (port !== undefined && (port < 1 || port > 65535))
      throw new UserError(`notebook: --port must be within 1–65535, got ${port}`);
    const root = projectRoot();
    if (args.values['no-setup'] !== true) {
      const setup = path.join(root, 'scripts', 'setup.sh');
      const r = spawnSync('bash', [setup], { cwd: root, stdio: 'inherit' });
      if (r.status !== 0)
        throw new UserError(`notebook: ${setup} failed (exit code ${r.status ?? r.signal})`);
    }
    const server = await startJupyter({
      root,
      port,
      // Jupyter's own log (kernel starts, saves) stays visible, as when it is started by hand.
      onLog: (line) => process.stderr.write(line + '\n'),
    });
    process.stdout.write(
      `ser notebook: open ${server.url}\n` +
        `  (notebooks/ with the TypeScript kernel; after changing lib/, npm run build and restart the kernel; Ctrl-C stops)\n`,
    );
    // Ctrl-C reaches Jupyter too (same process group), which asks before it stops; SIGTERM stops it at once.
    const onInt = (): void => undefined;
    const onTerm = (): void => void server.stop();
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    try {
      const code = await server.exited;
      if (code !== 0 && code !== null)
        throw new UserError(`notebook: jupyter-notebook exited with code ${code}`);
    } finally {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
  },
};
