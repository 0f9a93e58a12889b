import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { renderMarkdown } from '../../media/src/markdown';
import { openPage } from './page';

describe('Panel markdown preview', () => {
  beforeEach(() => {
    openPage();
  });

  it('renders headings (two levels down), nested lists, quotes and code', () => {
    const md = renderMarkdown('# Title\n\n- one\n  - one.a\n- two\n\n1. first\n2) second\n\n> quoted\n\n```\nx < y\n```');
    assert.equal(md.querySelector('h3')?.textContent, 'Title');
    const top = md.querySelector('ul')!;
    assert.equal(top.children.length, 2);
    assert.equal(top.querySelector('li > ul > li')?.textContent, 'one.a');
    assert.equal(md.querySelectorAll('ol > li').length, 2);
    assert.equal(md.querySelector('blockquote')?.textContent, 'quoted');
    assert.equal(md.querySelector('pre > code')?.textContent, 'x < y');
  });

  it('renders bold, italic and code inline, and a link as its text only', () => {
    const md = renderMarkdown('**Bold** and *it* and `c` and [site](https://example.org) and [x](command:workbench.action.quit)');
    const p = md.querySelector('p')!;
    assert.equal(p.querySelector('strong')?.textContent, 'Bold');
    assert.equal(p.querySelector('em')?.textContent, 'it');
    assert.equal(p.querySelector('code')?.textContent, 'c');
    assert.equal(p.querySelector('a'), null);
    assert.equal(p.textContent, 'Bold and it and c and site and x');
  });

  it('shows HTML in the text as text', () => {
    const md = renderMarkdown('<img src=x onerror=alert(1)>\n\n## <script>alert(1)</script>');
    assert.equal(md.querySelector('img, script'), null);
    assert.match(md.textContent ?? '', /<img src=x onerror=alert\(1\)>/);
    assert.match(md.textContent ?? '', /<script>alert\(1\)<\/script>/);
  });
});
