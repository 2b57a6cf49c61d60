import * as path from 'node:path';
import { runReports } from '../report';
import { checkReports } from '../report/browser-check';
import { UserError } from '../util/errors';
import type { Command } from './commands';

export const report: Command = {
  spec: {
    name: 'report',
    summary: 'ser report — execute the notebooks headless (tslab kernel) into self-contained HTML reports.',
    usage: 'ser report [--quick] [--out DIR] [NOTEBOOK...]',
    options: {
      quick: { type: 'boolean', description: 'reduced run (subset, few epochs); also set by SER_QUICK=1' },
      out: { type: 'string', value: 'DIR', description: 'output folder', default: 'reports' },
      check: {
        type: 'boolean',
        description:
          'then open every report in headless Chromium: no console errors, every figure drawn, audio players sourced; PNG screenshots in test-artifacts/reports',
      },
    },
    positionals: true,
    examples: ['ser report', 'SER_QUICK=1 ser report notebooks/00-quickstart.ipynb'],
  },
  async run(args) {
    const quick = args.values.quick === true || process.env.SER_QUICK === '1';
    const result = await runReports({
      notebooks: args.positionals.length > 0 ? args.positionals.map((p) => path.resolve(p)) : undefined,
      outDir: args.values.out as string,
      quick,
      onProgress: (e) => {
        if (e.type === 'notebook-start') process.stderr.write(`[${e.index + 1}/${e.total}] ${e.name} …\n`);
        if (e.type === 'notebook-done') {
          const r = e.result;
          process.stderr.write(
            `    ${r.status === 'ok' ? 'ok' : 'FAILED'} in ${r.seconds.toFixed(1)} s → ${r.output}${r.error ? `: ${r.error}` : ''}\n`,
          );
        }
      },
    });
    process.stdout.write(`reports written: ${result.index}\n`);
    if (args.values.check === true) {
      const checks = await checkReports(
        path.dirname(result.index),
        path.resolve('test-artifacts', 'reports'),
      );
      for (const c of checks) {
        const what = `${c.renderedFigures}/${c.figures} figures, ${c.audioPlayers} audio players`;
        process.stderr.write(
          `check ${path.basename(c.report)}: ${c.ok ? 'ok' : 'FAILED'} (${what})${c.ok ? '' : ': ' + c.problems.join('; ')}\n`,
        );
      }
      const bad = checks.filter((c) => !c.ok).map((c) => path.basename(c.report));
      if (bad.length > 0) throw new UserError(`report: browser check failed for ${bad.join(', ')}`);
    }
    if (!result.ok) {
      const failed = result.results.filter((r) => r.status !== 'ok').map((r) => r.name);
      throw new UserError(`report: notebook(s) failed: ${failed.join(', ')} (see their HTML reports)`);
    }
  },
};
