import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { button, controlKey, format, h, replaceKeepingFocus } from '../../media/src/dom';
import { openPage, type Page } from './page';

describe('Panel DOM helpers', () => {
  let page: Page;
  beforeEach(() => {
    page = openPage();
  });

  it('sets text as text: markup in it never becomes elements', () => {
    const p = h('p', { title: '"><b>x</b>' }, '<img src=x onerror="alert(1)">', h('span', {}, '<script>1</script>'));
    assert.equal(p.querySelector('img, script, b'), null);
    assert.equal(p.textContent, '<img src=x onerror="alert(1)"><script>1</script>');
    assert.equal(p.getAttribute('title'), '"><b>x</b>');
  });

  it('toggles boolean attributes and skips missing children', () => {
    const input = h('input', { disabled: true, checked: false, placeholder: undefined }, null, false, undefined);
    assert.equal(input.hasAttribute('disabled'), true);
    assert.equal(input.hasAttribute('checked'), false);
    assert.equal(input.hasAttribute('placeholder'), false);
  });

  it('fills numbered placeholders and leaves unknown ones', () => {
    assert.equal(format('{1} of {0}, then {2}', 3, 'two'), 'two of 3, then {2}');
  });

  it('names a control by aria-label, then its label, then a non-empty id, then its text', () => {
    assert.equal(controlKey(h('button', { 'aria-label': 'Remove a.md' }, 'x')), 'Remove a.md');
    // A button without an id has id "": the key falls through to its text.
    assert.equal(controlKey(button('Continue', () => undefined)), 'Continue');
    const field = h('div', {}, h('label', { for: 'f-1' }, 'Feedback'), h('textarea', { id: 'f-1' }));
    page.document.body.appendChild(field);
    assert.equal(controlKey(field.querySelector('textarea')!), 'Feedback');
    assert.equal(controlKey(h('select', { id: 'lang' })), 'lang');
  });

  it('keeps focus on the same button when its section is rebuilt', () => {
    const section = h('div');
    page.document.body.appendChild(section);
    const build = () => [button('Approve', () => undefined), button('Apply changes', () => undefined)];
    section.replaceChildren(...build());
    section.querySelectorAll('button')[1].focus();
    const before = page.document.activeElement;
    replaceKeepingFocus(section, build());
    const after = page.document.activeElement as HTMLElement | null;
    assert.notEqual(after, before, 'the section was not rebuilt');
    assert.equal(after?.textContent, 'Apply changes');
  });

  it('keeps focus on a text area whose generated id changed, through its label', () => {
    const section = h('div');
    page.document.body.appendChild(section);
    let n = 0;
    const build = () => {
      n += 1;
      return [h('div', {}, h('label', { for: `ta-${n}` }, 'Feedback'), h('textarea', { id: `ta-${n}` }))];
    };
    section.replaceChildren(...build());
    section.querySelector('textarea')!.focus();
    replaceKeepingFocus(section, build());
    assert.equal((page.document.activeElement as HTMLElement | null)?.id, `ta-${n}`);
  });

  it('leaves focus alone when it was outside the section', () => {
    const outside = button('Outside', () => undefined);
    const section = h('div', {}, button('Inside', () => undefined));
    page.document.body.append(outside, section);
    outside.focus();
    replaceKeepingFocus(section, [button('Inside', () => undefined)]);
    assert.equal(page.document.activeElement, outside);
  });
});
