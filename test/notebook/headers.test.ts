import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listNotebooks } from '../../lib/report';

test('every notebook says at its top how to open it and that a change in lib/ needs a build and a kernel restart', () => {
  const notebooks = listNotebooks();
  assert.ok(notebooks.length >= 8, `found ${notebooks.length} notebooks`);
  for (const file of notebooks) {
    const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      cells: { cell_type: string; source: string[] | string }[];
    };
    const first = nb.cells[0];
    const text = [first.source].flat().join('');
    const name = path.basename(file);
    assert.equal(first.cell_type, 'markdown', name);
    assert.match(text, /`npm run notebook`/, `${name}: how to open it`);
    assert.match(
      text,
      /`npm run build`[^.]*restart the kernel/,
      `${name}: build and restart after a change in lib/`,
    );
    assert.ok(text.includes(`notebooks/${name}`), `${name}: how to run it headless`);
  }
});
