/**
 * The dependency check (`npm run depcheck`) on a small lib/ tree made for it: the config must reject an
 * upward import, a type-only one included, and a cycle between folders, and accept downward imports;
 * otherwise a config whose paths matched nothing would pass CI silently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/data';

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

function cruise(files: Record<string, string>): Violation[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-depcheck-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }\n');
    const bin = path.join(repoRoot(), 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    const config = path.join(repoRoot(), '.dependency-cruiser.cjs');
    const r = spawnSync(process.execPath, [bin, 'lib', '--config', config, '--output-type', 'json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.ok(r.stdout.length > 0, r.stderr);
    const out = JSON.parse(r.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
    assert.equal(out.summary.totalCruised, Object.keys(files).length);
    return out.summary.violations;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the dependency check rejects upward imports (type-only too) and cycles between folders, and allows downward ones', () => {
  const violations = cruise({
    'lib/util/errors.ts': 'export const oops = 1;\n',
    // Downward: allowed.
    'lib/features/mel.ts': "import { oops } from '../util/errors';\nexport const mel = oops;\n",
    // Upward: metrics is a leaf and may not import evaluate, not even a type.
    'lib/metrics/summary.ts': "import type { Report } from '../evaluate/report';\nexport type S = Report;\n",
    'lib/evaluate/report.ts':
      "import { mel } from '../features/mel';\nexport interface Report { m: typeof mel }\n",
    // A cycle between audio and data (data → audio is downward, audio → data upward).
    'lib/audio/decode.ts': "import { rows } from '../data/manifest';\nexport const decode = () => rows;\n",
    'lib/data/manifest.ts': "import { decode } from '../audio/decode';\nexport const rows = () => decode;\n",
  });
  const found = violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
  assert.deepEqual(found, [
    'layer-audio: lib/audio/decode.ts → lib/data/manifest.ts',
    'layer-metrics: lib/metrics/summary.ts → lib/evaluate/report.ts',
    'no-circular-between-folders: lib/audio/decode.ts → lib/data/manifest.ts',
  ]);
  assert.ok(violations.every((v) => v.rule.severity === 'error'));
});
