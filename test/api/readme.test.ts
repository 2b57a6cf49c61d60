/**
 * Every ```ts example of lib/README.md type-checks (strict) against the built declarations and runs from the
 * repository root, with `'ser'` read as the built package: the documented public API cannot rot.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';
import { repoRoot } from '../helpers/data';

interface Example {
  section: string;
  code: string;
}

/** The ```ts blocks of a markdown text, each with the `##` heading it is under. */
function tsExamples(markdown: string): Example[] {
  const out: Example[] = [];
  let section = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('## ')) section = lines[i].slice(3).trim();
    if (lines[i].trim() !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `unclosed \`\`\`ts block at line ${i + 1}`);
    out.push({ section, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return out;
}

/** An example as a module: its imports (`'ser'` → the built library) and its body inside an async main. */
function asModule(code: string, lib: string): string {
  const lines = code.split('\n');
  const imports = lines.filter((l) => l.startsWith('import '));
  const body = lines.filter((l) => !l.startsWith('import '));
  return [
    ...imports.map((l) => l.replace(/from 'ser'/, `from ${JSON.stringify(lib)}`)),
    'async function main(): Promise<void> {',
    ...body,
    '}',
    'main().catch((err) => {',
    '  console.error(err);',
    '  process.exitCode = 1;',
    '});',
    '',
  ].join('\n');
}

test('every example in lib/README.md type-checks against the built library and runs', () => {
  const root = repoRoot();
  const examples = tsExamples(fs.readFileSync(path.join(root, 'lib', 'README.md'), 'utf8'));
  const sections = examples.map((e) => e.section.split(' ')[0]);
  for (const ns of [
    'audio',
    'data',
    'features',
    'augment',
    'models',
    'train',
    'evaluate',
    'tune',
    'inference',
    'viz',
    'notebook',
  ])
    assert.ok(sections.includes(ns), `lib/README.md has an example for ${ns}`);

  const dir = fs.mkdtempSync(path.join(root, 'dist', 'readme-examples-'));
  try {
    const files = examples.map((e, i) => {
      const file = path.join(dir, `example-${i}.ts`);
      fs.writeFileSync(file, asModule(e.code, path.join(root, 'dist', 'lib')));
      return file;
    });
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      typeRoots: [path.join(root, 'node_modules', '@types')],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      outDir: dir,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).concat(program.emit().diagnostics);
    const messages = diagnostics.map((d) => {
      const where = d.file ? `${examples[files.indexOf(d.file.fileName)]?.section ?? d.file.fileName}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, ' ');
    });
    assert.deepEqual(messages, [], 'the examples type-check');

    examples.forEach((e, i) => {
      const r = spawnSync(process.execPath, [path.join(dir, `example-${i}.js`)], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, SER_PROGRESS: '0' },
        timeout: 300_000,
      });
      assert.equal(r.status, 0, `${e.section}: exit ${r.status}\n${r.stderr}`);
      assert.notEqual(r.stdout.trim(), '', `${e.section} prints its result`);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
