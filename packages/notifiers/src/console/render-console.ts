// Renders a notification as readable plain text for the embedded mode's terminal. Pure, ANSI-free,
// and every control character from untrusted strings is shown escaped, so no terminal sequence
// (colour, cursor moves, title changes) can be injected through a path or user agent.
import { buildAlertView } from '../content/alert-view';
import { renderPlainTextReport } from '../content/plain-text-report';
import type { Notification } from '../notification';

export function renderConsole(notification: Notification): string {
  return `${renderPlainTextReport(buildAlertView(notification))}\n`;
}
