/**
 * Localization: every string the VS Code layer passes to `vscode.l10n.t` has an Italian
 * translation, and the Italian manifest strings cover the English ones.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** out/test/suite/ → the project root. */
const ROOT = path.resolve(__dirname, '..', '..', '..');

function json(file: string): Record<string, string> {
  return JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, string>;
}

function sourceStrings(): Set<string> {
  const files = [
    path.join(ROOT, 'src', 'extension.ts'),
    ...readdirSync(path.join(ROOT, 'src', 'vscode'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(ROOT, 'src', 'vscode', f)),
  ];
  const found = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) found.add(m[1].replace(/\\'/g, "'"));
    // `t({ message, comment })`: VS Code looks the message up under `<message>/<comment>`.
    for (const m of text.matchAll(/\bt\(\{\s*message:\s*'((?:[^'\\]|\\.)*)',\s*comment:\s*\['((?:[^'\\]|\\.)*)'\]/g)) {
      found.add(`${m[1]}/${m[2]}`.replace(/\\'/g, "'"));
    }
  }
  return found;
}

describe('Localization', () => {
  it('translates every runtime string into Italian, with the same placeholders', () => {
    const strings = sourceStrings();
    assert.ok(strings.size > 50, `only ${strings.size} strings found in the sources`);
    const english = json('l10n/bundle.l10n.json');
    const italian = json('l10n/bundle.l10n.it.json');
    const missing = [...strings].filter((s) => !(s in italian) || !(s in english));
    assert.deepEqual(missing, []);
    for (const s of strings) {
      const placeholders = (t: string) => (t.match(/\{\d+\}/g) ?? []).sort().join(',');
      assert.equal(placeholders(italian[s]), placeholders(s), `placeholders of "${s}"`);
    }
  });

  it('has Italian manifest strings for every English one', () => {
    const en = json('package.nls.json');
    const it = json('package.nls.it.json');
    assert.deepEqual(Object.keys(it).sort(), Object.keys(en).sort());
    for (const key of Object.keys(en)) assert.ok(it[key].trim(), `empty Italian string ${key}`);
  });
});
