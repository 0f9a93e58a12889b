/**
 * What an export returns, and the last check before its bytes are written.
 *
 * Owns: the result shape shared by the Word and slide exports, and `checkZip`, which refuses
 * bytes that are not a complete Office package (so a failed export writes nothing rather than
 * a corrupt file). Must not: depend on any library.
 */
export interface ExportResult {
  bytes: Uint8Array;
  /** What was skipped or kept as plain text, one readable line each. */
  warnings: string[];
  title: string;
  /** Sources the export carries. */
  citations: number;
}

/**
 * Throws when `bytes` is not a zip archive holding `requiredPart`: the local file header
 * signature at the start, the end-of-central-directory record at the end, and the part's name
 * in the central directory.
 */
export function checkZip(bytes: Uint8Array, requiredPart: string): void {
  const fail = (why: string) => {
    throw new Error(`The export produced an unusable file (${why}); nothing was written.`);
  };
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b || bytes[2] !== 0x03 || bytes[3] !== 0x04) fail('not a zip archive');
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('the archive is truncated');
  const name = new TextEncoder().encode(requiredPart);
  const hay = bytes.subarray(0, eocd);
  outer: for (let i = 0; i <= hay.length - name.length; i++) {
    for (let k = 0; k < name.length; k++) if (hay[i + k] !== name[k]) continue outer;
    return;
  }
  fail(`${requiredPart} is missing`);
}
