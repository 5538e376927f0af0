// One notifier per configured channel (a channel without its URL simply does not exist), plus the
// console when it is on. Shared by the alerter and `vigil test-alert`.

import {
  createAlertmanagerNotifier,
  createConsoleNotifier,
  createEmailNotifier,
  createSlackNotifier,
  createWebhookNotifier,
  type Notifier,
} from '@vigil/notifiers';
import type { AlerterConfig } from '../alerter-config';

export interface NotifierContext {
  consoleStream: NodeJS.WritableStream;
  /** True in the embedded mode, where VIGIL_CONSOLE_ALERTS=auto means on. */
  embedded: boolean;
}

export function consoleEnabled(config: AlerterConfig, embedded: boolean): boolean {
  return config.consoleAlerts === 'on' || (config.consoleAlerts === 'auto' && embedded);
}

export function createNotifiers(config: AlerterConfig, context: NotifierContext): Map<string, Notifier> {
  const timeoutMs = config.notifyTimeoutSeconds * 1000;
  const notifiers: Notifier[] = [];
  if (config.slackWebhookUrl !== undefined) notifiers.push(createSlackNotifier({ webhookUrl: config.slackWebhookUrl, timeoutMs }));
  if (config.smtpUrl !== undefined) {
    notifiers.push(
      createEmailNotifier({
        smtpUrl: config.smtpUrl,
        from: config.emailFrom,
        to: config.emailTo,
        timeoutMs,
        tls: { allowPlaintextAuth: config.smtpAllowPlaintextAuth },
      }),
    );
  }
  if (config.webhookUrl !== undefined) {
    notifiers.push(
      createWebhookNotifier({
        url: config.webhookUrl,
        timeoutMs,
        ...(config.webhookSecret === undefined ? {} : { secret: config.webhookSecret }),
      }),
    );
  }
  if (config.alertmanagerUrl !== undefined) notifiers.push(createAlertmanagerNotifier({ url: config.alertmanagerUrl, timeoutMs }));
  if (consoleEnabled(config, context.embedded)) notifiers.push(createConsoleNotifier({ stream: context.consoleStream }));
  return new Map(notifiers.map((n) => [n.channel, n]));
}
