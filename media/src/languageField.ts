/**
 * The language field of the proposal form: the language the analysis is written in, chosen from
 * common languages named in the panel's own language, with a line saying where the current one
 * came from (the setting, the model, the detector, the interface language, or the person).
 *
 * Owns: that one field. Must not: decide whether a code is valid (the extension and the core do).
 */
import type { ProposalGate, WebviewStrings } from '../../src/shared/protocol';
import { h, uid } from './dom';

const COMMON_LANGUAGES = ['en', 'it', 'fr', 'de', 'es', 'pt', 'nl', 'sv', 'da', 'nb', 'fi', 'pl', 'cs', 'ro', 'hu', 'el', 'tr', 'ru', 'uk', 'ar', 'he', 'hi', 'ja', 'ko', 'zh'];

/** A language's name in the panel's language (`fr` → "French", or "francese" in Italian). */
export function languageDisplayName(code: string): string {
  try {
    const locale = document.documentElement.lang || navigator.language || 'en';
    const name = new Intl.DisplayNames([locale], { type: 'language' }).of(code);
    if (name && name !== code) return name;
  } catch {
    // An unknown code or no language data: show the code.
  }
  return code;
}

export function languageField(gate: ProposalGate, value: string, s: WebviewStrings, onChange: (code: string) => void): HTMLElement {
  const id = uid('lang');
  const hintId = uid('hint');
  const codes = [...new Set([value, gate.language, ...COMMON_LANGUAGES])];
  const options = codes
    .map((code) => ({ code, name: languageDisplayName(code) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const select = h(
    'select',
    { id, 'aria-describedby': hintId },
    options.map((o) => h('option', { value: o.code, selected: o.code === value }, o.name === o.code ? o.code : `${o.name} (${o.code})`)),
  );
  select.addEventListener('change', () => onChange(select.value));
  const sources: Record<string, string> = {
    setting: s.languageFromSetting,
    model: s.languageFromModel,
    detector: s.languageDetected,
    interface: s.languageFromInterface,
    person: s.languageChosen,
  };
  const source = gate.languageSource ? sources[gate.languageSource] : '';
  return h('div', { class: 'field' }, h('label', { for: id }, s.language), select, source ? h('p', { id: hintId, class: 'hint' }, source) : null);
}
