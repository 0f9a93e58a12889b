/**
 * A small, safe markdown renderer for previews (outline): headings, bullet and numbered lists
 * (nested by indentation), quotes, code blocks, paragraphs, and inline bold, italic and code.
 *
 * Owns: building DOM nodes from markdown text. Must not: use innerHTML or follow links (links
 * are shown as their text): the text comes from the model.
 */
import { h } from './dom';

/** Appends inline nodes for `text`: **bold**, *italic* / _italic_, `code`; the rest is text. */
export function renderInline(text: string, into: HTMLElement): void {
  const pattern = /(\*\*[^*]+\*\*|`[^`]+`|\*[^*\s][^*]*\*|_[^_\s][^_]*_|\[[^\]]+\]\([^)]*\))/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (index > last) into.appendChild(document.createTextNode(text.slice(last, index)));
    const token = match[0];
    if (token.startsWith('**')) into.appendChild(h('strong', {}, token.slice(2, -2)));
    else if (token.startsWith('`')) into.appendChild(h('code', {}, token.slice(1, -1)));
    else if (token.startsWith('[')) into.appendChild(document.createTextNode(token.slice(1, token.indexOf(']'))));
    else into.appendChild(h('em', {}, token.slice(1, -1)));
    last = index + token.length;
  }
  if (last < text.length) into.appendChild(document.createTextNode(text.slice(last)));
}

interface ListFrame {
  indent: number;
  list: HTMLOListElement | HTMLUListElement;
}

export function renderMarkdown(markdown: string): HTMLElement {
  const root = h('div', { class: 'md' });
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let lists: ListFrame[] = [];
  let code: string[] | null = null;

  const flushParagraph = () => {
    if (paragraph.length) {
      const p = h('p');
      renderInline(paragraph.join(' '), p);
      root.appendChild(p);
      paragraph = [];
    }
  };
  const closeLists = () => {
    lists = [];
  };

  for (const line of lines) {
    if (code) {
      if (/^\s*```/.test(line)) {
        root.appendChild(h('pre', {}, h('code', {}, code.join('\n'))));
        code = null;
      } else {
        code.push(line);
      }
      continue;
    }
    if (/^\s*```/.test(line)) {
      flushParagraph();
      closeLists();
      code = [];
      continue;
    }
    if (!line.trim()) {
      flushParagraph();
      closeLists();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flushParagraph();
      closeLists();
      const level = Math.min(6, heading[1].length + 2) as 3 | 4 | 5 | 6;
      const el = h(`h${level}` as 'h3', { class: 'md-heading' });
      renderInline(heading[2].replace(/\s+#+\s*$/, ''), el);
      root.appendChild(el);
      continue;
    }
    const item = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flushParagraph();
      const indent = item[1].replace(/\t/g, '  ').length;
      const ordered = /\d/.test(item[2]);
      while (lists.length && lists[lists.length - 1].indent > indent) lists.pop();
      let frame = lists[lists.length - 1];
      if (!frame || frame.indent < indent) {
        const list = ordered ? h('ol') : h('ul');
        const parentItem = frame?.list.lastElementChild;
        (parentItem ?? root).appendChild(list);
        frame = { indent, list };
        lists.push(frame);
      }
      const li = h('li');
      renderInline(item[3], li);
      frame.list.appendChild(li);
      continue;
    }
    const quote = /^\s*>\s?(.*)$/.exec(line);
    if (quote) {
      flushParagraph();
      closeLists();
      const q = h('blockquote');
      renderInline(quote[1], q);
      root.appendChild(q);
      continue;
    }
    closeLists();
    paragraph.push(line.trim());
  }
  if (code) root.appendChild(h('pre', {}, h('code', {}, code.join('\n'))));
  flushParagraph();
  return root;
}
