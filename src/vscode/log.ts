/**
 * The Log port on top of VS Code's log output channel ("Strategic Analysis").
 *
 * Owns: writing log lines and masking secrets in them. Every API key the extension reads is
 * registered with `addSecret`, and any occurrence is replaced before the line reaches the
 * channel. Must not: decide what is logged (callers do).
 */
import type * as vscode from 'vscode';
import type { Log } from '../core/ports';

export class ChannelLog implements Log {
  private readonly secrets = new Set<string>();

  constructor(readonly channel: vscode.LogOutputChannel) {}

  /** Registers a secret to mask in every later line (short values are ignored). */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 8) this.secrets.add(value);
  }

  redact(message: string): string {
    let out = message;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  debug(message: string): void {
    this.channel.debug(this.redact(message));
  }
  info(message: string): void {
    this.channel.info(this.redact(message));
  }
  warn(message: string): void {
    this.channel.warn(this.redact(message));
  }
  error(message: string): void {
    this.channel.error(this.redact(message));
  }
}
