/**
 * Untrusted text (from the model, the web or the person's files) made inert for a notification.
 *
 * VS Code renders `[label](target)` in a notification's message as a link, including
 * `command:` targets that run a command when clicked. Every text of that origin that goes into
 * a notification (an analysis title, an error that echoes an answer, a file name) passes through
 * `inert` first. Must not: import `vscode` (unit tests use it directly).
 */

/**
 * One line of plain text in which no `[label](target)` link can form; cut to `max` characters
 * (with an ellipsis) when given.
 */
export function inert(text: string, max?: number): string {
  const line = text
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    // A link needs `](` with nothing in between: a space keeps the text and breaks the link.
    .replace(/\]\s*\(/g, '] (');
  if (max === undefined || line.length <= max) return line;
  // Cutting can only remove a `(`, never create a `](`.
  return `${line.slice(0, Math.max(1, max - 1))}…`;
}
