/** SHA-256 of bytes or text, as lowercase hex (the fingerprint of a document). Node only. */
import { createHash } from 'node:crypto';

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
