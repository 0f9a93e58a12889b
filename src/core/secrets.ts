/**
 * Text shaped like an API key, in text that is not the person's own (a web excerpt, a context
 * document, a model answer).
 *
 * Owns: the shape of an Anthropic API key and its redaction. Such text is replaced by a marker
 * wherever it enters the run and again before a state is written, so a page or a document that
 * happens to quote a key neither reaches the disk nor stops the run. The person's own keys (the
 * values configured in SecretStorage or the environment) are a different matter: the state store
 * refuses to write them (see stateStore.ts). Must not: log or return a redacted value.
 */

/** Text shaped like an Anthropic API key (`sk-ant-` and at least eight key characters). */
export const ANTHROPIC_KEY_SHAPE = /sk-ant-[A-Za-z0-9_-]{8,}/;
const ANTHROPIC_KEY_SHAPE_ALL = new RegExp(ANTHROPIC_KEY_SHAPE.source, 'g');

/** What replaces a redacted key-shaped text. */
export const REDACTED_KEY = '[redacted: text shaped like an API key]';

/** `text` with every key-shaped part replaced by {@link REDACTED_KEY}. */
export function redactKeyShapedText(text: string): string {
  return ANTHROPIC_KEY_SHAPE.test(text) ? text.replace(ANTHROPIC_KEY_SHAPE_ALL, REDACTED_KEY) : text;
}

/**
 * A copy of `value` (JSON data: strings, numbers, arrays, plain objects) with key-shaped text
 * redacted in every string and every field name, and how many strings were changed.
 */
export function redactKeyShaped<T>(value: T): { value: T; redacted: number } {
  let redacted = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const clean = redactKeyShapedText(v);
      if (clean !== v) redacted++;
      return clean;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) out[walk(k) as string] = walk(child);
      return out;
    }
    return v;
  };
  const result = walk(value) as T;
  return { value: redacted > 0 ? result : value, redacted };
}
