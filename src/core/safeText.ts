/**
 * Text from the model, the web or the person's files, made safe to write into markdown.
 *
 * Owns: the one rule for which addresses become links (http and https only, see `httpUrl`), the
 * escaping of short untrusted texts put inside our own markdown (titles, file names, dates), and
 * the neutralizing of raw HTML, images and non-web links in model prose. The documents the run
 * writes are opened in VS Code's markdown preview, which builds `<img>` elements from raw HTML and
 * loads remote images: a hostile text could make the preview fetch an address that carries what
 * the document says. Must not: change the meaning of ordinary prose (headings, lists, emphasis,
 * code and web links stay as they are).
 */

/** `url` when it is an absolute http(s) address, otherwise undefined. */
export function httpUrl(url: string | undefined | null): string | undefined {
  if (typeof url !== 'string') return undefined;
  const text = url.trim();
  if (!text) return undefined;
  try {
    const parsed = new URL(text);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    // Characters that would end the markdown link or autolink around it are percent-encoded.
    return parsed.href.replace(/[\s<>()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  } catch {
    return undefined;
  }
}

/** Whether `url` is an absolute http(s) address. */
export function isHttpUrl(url: string | undefined | null): boolean {
  return httpUrl(url) !== undefined;
}

/**
 * A short untrusted text (a title, a file name) as markdown inline text on one line that can
 * never become a tag, a link or an image: `<` is written as an entity, and a `]` that would close
 * a link is escaped. Emphasis and plain brackets are left alone (harmless, and readable).
 */
export function escapeInline(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/</g, '&lt;')
    // A `]` right before `(` or `[` would close a link or an image: escaped, so none can form.
    .replace(/\\(?=\])/g, '\\\\')
    .replace(/\](?=\s*[([])/g, '\\]');
}

/** The label of a markdown link or image, without its brackets' syntax. */
function linkLabel(label: string): string {
  return label.replace(/[[\]]/g, '');
}

/**
 * One line of prose outside code: raw HTML tags and comments become visible text, images become
 * links (web addresses) or their alt text, links to anything but a web address become their text.
 * Inline code spans are left alone.
 */
function neutralizeLine(line: string): string {
  const parts = line.split(/(`+[^`]*`+)/);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return part;
      return (
        part
          // Images never load from the document: a web image becomes a plain link.
          .replace(/!\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)/g, (_m, alt: string, url: string) => {
            const safe = httpUrl(url);
            return safe ? `[${linkLabel(alt) || safe}](${safe})` : linkLabel(alt);
          })
          .replace(/\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)/g, (m, label: string, url: string) => {
            if (url.startsWith('#')) return m;
            const safe = httpUrl(url);
            return safe ? `[${label}](${safe})` : linkLabel(label);
          })
          // No other image syntax (reference images) either.
          .replace(/!\[/g, '\\![')
          // Autolinks other than web addresses, and every tag or comment, show as text.
          .replace(/<(?!https?:\/\/[^\s<>]+>)(?=[A-Za-z!/?])/g, '&lt;')
      );
    })
    .join('');
}

/**
 * Model prose (markdown) with raw HTML, images and non-web links neutralized; fenced code blocks
 * and inline code are kept as they are (markdown never interprets them).
 */
export function neutralizeMarkdown(markdown: string): string {
  const lines = markdown.split('\n');
  let fence: string | null = null;
  return lines
    .map((line) => {
      const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
        return line;
      }
      if (marker) {
        fence = marker;
        return line;
      }
      // A link reference definition to anything but a web address is shown as text.
      const def = /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(line);
      if (def && !httpUrl(def[1])) return `\\${line.trimStart()}`;
      return neutralizeLine(line);
    })
    .join('\n');
}
