/**
 * The secret policy: what must never be written, and what is redacted.
 *
 * Text shaped like an API key, in text that is not the person's own (a web excerpt, a context
 * document, a model answer), is replaced by a marker wherever it enters the run and again before
 * a state is written, so a page or a document that happens to quote a key neither reaches the
 * disk nor stops the run. The person's own keys (the values configured in SecretStorage or the
 * environment) are a different matter: a state holding one is refused (see stateStore.ts).
 *
 * Owns: the shape of an Anthropic API key and its redaction, and finding a key in a value (the
 * environment variables that hold keys are read by stateStore.ts, a Node-only module). Must
 * not: log or return a secret or a redacted value.
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

/** Shorter configured values are not looked for (they would match ordinary text). */
const MIN_SECRET_LENGTH = 12;

function configuredSecrets(secrets: Iterable<string | undefined>): string[] {
  return [...secrets].filter((s): s is string => typeof s === 'string' && s.trim().length >= MIN_SECRET_LENGTH).map((s) => s.trim());
}

/**
 * Whether `json`, the JSON text of a value, may hold text shaped like an API key or one of
 * `secrets`. When it cannot, `findSecret` and `redactKeyShaped` would find nothing in that
 * value: both look at its strings and field names, all of whose text is in the JSON (a key's
 * characters and printable ASCII are written as they are, `"` and `\` escaped alike in the
 * secret looked for). A secret with other characters always answers "may".
 */
export function jsonMayHoldSecret(json: string, secrets: Iterable<string | undefined> = []): boolean {
  if (ANTHROPIC_KEY_SHAPE.test(json)) return true;
  return configuredSecrets(secrets).some((s) => !/^[\x20-\x7e]*$/.test(s) || json.includes(JSON.stringify(s).slice(1, -1)));
}

type SecretKind = 'anthropic-key' | 'configured-key';

/**
 * Where in `value` a secret appears, as a field path (`calls[2].text`), or `null`.
 * Checks every string (and object key) for an Anthropic-key-shaped token (unless `keyShaped` is
 * false) and for the given secret values. The secret itself is never returned.
 */
export function findSecret(
  value: unknown,
  secrets: Iterable<string | undefined> = [],
  options: { keyShaped?: boolean } = {},
): { path: string; kind: SecretKind } | null {
  const known = configuredSecrets(secrets);
  const shapes = options.keyShaped ?? true;
  const check = (text: string): SecretKind | null => {
    if (shapes && ANTHROPIC_KEY_SHAPE.test(text)) return 'anthropic-key';
    if (known.some((s) => text.includes(s))) return 'configured-key';
    return null;
  };
  const walk = (v: unknown, at: string): { path: string; kind: SecretKind } | null => {
    if (typeof v === 'string') {
      const kind = check(v);
      return kind ? { path: at || '(root)', kind } : null;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const hit = walk(v[i], `${at}[${i}]`);
        if (hit) return hit;
      }
      return null;
    }
    if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const childPath = at ? `${at}.${k}` : k;
        const keyKind = check(k);
        // The path would repeat the secret: name the object holding it instead.
        if (keyKind) return { path: `${at || '(root)'} (one of its field names)`, kind: keyKind };
        const hit = walk(child, childPath);
        if (hit) return hit;
      }
    }
    return null;
  };
  return walk(value, '');
}
