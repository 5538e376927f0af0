// Renders a notification as an email: a one-line subject safe from header injection, and HTML and
// plain-text bodies with the same content. Pure. Every dynamic string in the HTML is escaped.
import { alertFacts } from '../content/alert-facts';
import type { AlertView } from '../content/alert-view';
import { TONE_COLOURS, buildAlertView } from '../content/alert-view';
import { headline, renderPlainTextReport } from '../content/plain-text-report';
import { escapeControlChars, stripControlChars, truncate } from '../content/plain-text';
import type { Notification } from '../notification';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Long subjects are folded or cut by mail clients anyway; this keeps the severity and entity visible. */
export const SUBJECT_MAX = 160;

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return escapeControlChars(text).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}

/** CR, LF and every other control character become spaces: no header can be smuggled into the subject. */
export function emailSubject(text: string): string {
  return truncate(stripControlChars(text).replace(/ {2,}/g, ' ').trim(), SUBJECT_MAX);
}

function htmlValue(values: readonly string[], list: boolean): string {
  if (!list) return values.map(escapeHtml).join(', ');
  return `<ul style="margin:0;padding-left:18px">${values.map((value) => `<li>${escapeHtml(value)}</li>`).join('')}</ul>`;
}

function renderHtml(view: AlertView): string {
  const rows = alertFacts(view)
    .map(
      (fact) =>
        `<tr><th align="left" valign="top" style="padding:2px 12px 2px 0">${escapeHtml(fact.label)}</th>` +
        `<td style="padding:2px 0;font-family:monospace">${htmlValue(fact.values, fact.list === true)}</td></tr>`,
    )
    .join('\n');
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"></head><body style="font-family:sans-serif">',
    `<div style="border-left:6px solid ${TONE_COLOURS[view.tone]};padding:8px 16px">`,
    `<h2 style="margin:0 0 8px 0">${escapeHtml(headline(view))}</h2>`,
    `<p>${escapeHtml(view.sentence)}</p>`,
    `<table cellspacing="0">\n${rows}\n</table>`,
    '</div></body></html>',
    '',
  ].join('\n');
}

export function renderEmail(notification: Notification): EmailContent {
  const view = buildAlertView(notification);
  return {
    subject: emailSubject(headline(view)),
    text: renderPlainTextReport(view),
    html: renderHtml(view),
  };
}
