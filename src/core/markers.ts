/**
 * Provenance markers (`[Source: analyst-market]`) as the person sees them.
 *
 * The integration and the outline carry internal markers that tie each point to the analyst it
 * came from; the citation step needs them, the final document never has them. At the outline
 * gate the person reads them as the analyst's name (`[Market Analyst]`), and an outline the
 * person edited gets its internal markers back. Owns: both directions of that mapping. Must not:
 * change anything else in the text.
 */

export interface AnalystName {
  id: string;
  name: string;
}

const INTERNAL = /\[(?:Source|Fonte):\s*analyst-([a-z0-9-]+)\s*\]/gi;

function displayName(id: string, analysts: AnalystName[]): string {
  return (analysts.find((a) => a.id === id)?.name ?? id).replace(/[[\]]/g, '').trim() || id;
}

/** The text with every internal marker shown as the analyst's name in brackets. */
export function readableMarkers(text: string, analysts: AnalystName[]): string {
  return text.replace(INTERNAL, (_m, id: string) => `[${displayName(id.toLowerCase(), analysts)}]`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The inverse of {@link readableMarkers}: `[Analyst Name]` becomes the internal marker again. */
export function internalMarkers(text: string, analysts: AnalystName[]): string {
  let out = text;
  for (const a of analysts) {
    const shown = displayName(a.id, analysts);
    out = out.replace(new RegExp(`\\[${escapeRegExp(shown)}\\](?!\\()`, 'g'), `[Source: analyst-${a.id}]`);
  }
  return out;
}
