/**
 * What the person is told about a run's outcome besides done / failed / cancelled: the notices
 * the core records (every web search failed, ...), in the person's language.
 *
 * Owns: the wording of each notice kind. Must not: decide when a notice is recorded (the core
 * does) or show it (the controller and the panel do).
 */
import * as vscode from 'vscode';
import type { Notice } from '../core/state';

export function noticeText(notice: Pick<Notice, 'kind' | 'detail'>): string {
  switch (notice.kind) {
    case 'web-search-failed':
      return notice.detail
        ? vscode.l10n.t('Every web search failed, so the document has no web sources. Last error: {0}', notice.detail)
        : vscode.l10n.t('Every web search failed, so the document has no web sources.');
  }
}

export function noticeTexts(notices: ReadonlyArray<Pick<Notice, 'kind' | 'detail'>> | undefined): string[] {
  return (notices ?? []).map(noticeText);
}
