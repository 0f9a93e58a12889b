/**
 * Line diff between two texts (outline revisions), used by the Analysis panel. Like everything
 * in src/shared/, it is bundled into both the extension and the webview.
 *
 * Owns: a longest-common-subsequence diff over lines. Must not: import `vscode` or DOM APIs
 * (the webview bundles it; the extension host tests it).
 */

export interface DiffLine {
  op: 'same' | 'add' | 'del';
  text: string;
}

/** Above this many line pairs the table would be too large: fall back to delete-all/add-all. */
const MAX_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
}

/** The lines of `after` compared to `before`, in order: kept, deleted and added lines. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);

  // Common prefix and suffix are cheap and make the table small for typical revisions.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: DiffLine[] = a.slice(0, start).map((text) => ({ op: 'same', text }));
  const tail: DiffLine[] = a.slice(endA).map((text) => ({ op: 'same', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;

  if (n * m > MAX_CELLS) {
    return [
      ...head,
      ...midA.map((text): DiffLine => ({ op: 'del', text })),
      ...midB.map((text): DiffLine => ({ op: 'add', text })),
      ...tail,
    ];
  }

  // lcs[i][j] = length of the LCS of midA[i..] and midB[j..], stored row-major.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        midA[i] === midB[j]
          ? lcs[(i + 1) * width + j + 1] + 1
          : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const mid: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (midA[i] === midB[j]) {
      mid.push({ op: 'same', text: midA[i] });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
      mid.push({ op: 'del', text: midA[i++] });
    } else {
      mid.push({ op: 'add', text: midB[j++] });
    }
  }
  while (i < n) mid.push({ op: 'del', text: midA[i++] });
  while (j < m) mid.push({ op: 'add', text: midB[j++] });
  return [...head, ...mid, ...tail];
}
