/**
 * The nonce of the panel's Content-Security-Policy: 128 bits from the system's cryptographic
 * random source, so the page's allowed script cannot be guessed. Must not: import `vscode`.
 */
import { randomBytes } from 'node:crypto';

export function cspNonce(): string {
  return randomBytes(16).toString('hex');
}
