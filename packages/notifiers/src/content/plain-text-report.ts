// A notification as plain text lines: the console output and the text part of an email. Control
// characters in untrusted strings are shown as visible escapes, so nothing can forge lines or
// send terminal escape sequences.
import { alertFacts } from './alert-facts';
import type { AlertView } from './alert-view';
import { escapeControlChars } from './plain-text';

const LABEL_WIDTH = 17;

/** `[Vigil CRITICAL] traffic-spike on client 1.2.3.4`; an update says so, so it does not read as a new alert. */
export function headline(view: AlertView): string {
  return `[Vigil ${view.label}] ${view.kind === 'updated' ? 'Update: ' : ''}${view.title}`;
}

export function renderPlainTextReport(view: AlertView): string {
  const lines = [escapeControlChars(headline(view)), escapeControlChars(view.sentence), ''];
  for (const fact of alertFacts(view)) {
    if (fact.list === true) {
      lines.push(`${fact.label}:`, ...fact.values.map((value) => `  - ${escapeControlChars(value)}`));
    } else {
      lines.push(`${fact.label}:`.padEnd(LABEL_WIDTH) + fact.values.map(escapeControlChars).join(', '));
    }
  }
  return `${lines.join('\n')}\n`;
}
