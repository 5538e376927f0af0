// Slack, email, webhook, Alertmanager and console notifiers: pure renderers plus senders.
export { DEFAULT_TIMEOUT_MS } from './notification';
export { isTlsVerificationFailure } from './delivery/tls-failure';
export type { Notification, NotificationKind, Notifier, NotifyResult } from './notification';
export { HOSTILE_STRINGS, hostileNotification, sampleAnomaly, sampleNotification, testAlertNotification } from './sample-notification';

export { createSlackNotifier } from './slack/slack-notifier';
export type { SlackNotifierOptions } from './slack/slack-notifier';
export { escapeMrkdwn, renderSlack } from './slack/render-slack';
export type { SlackBlock, SlackMessage } from './slack/render-slack';

export { createEmailNotifier } from './email/email-notifier';
export type { EmailNotifierOptions, EmailTlsOptions } from './email/email-notifier';
export { escapeHtml, renderEmail } from './email/render-email';
export type { EmailContent } from './email/render-email';

export { createWebhookNotifier } from './webhook/webhook-notifier';
export type { WebhookNotifierOptions } from './webhook/webhook-notifier';
export { WEBHOOK_BODY_VERSION, renderWebhookBody, signWebhookBody } from './webhook/render-webhook';
export type { WebhookBody } from './webhook/render-webhook';

export { createAlertmanagerNotifier } from './alertmanager/alertmanager-notifier';
export type { AlertmanagerNotifierOptions } from './alertmanager/alertmanager-notifier';
export { ALERTNAME, renderAlertmanager } from './alertmanager/render-alertmanager';
export type { PostableAlert } from './alertmanager/render-alertmanager';

export { createConsoleNotifier } from './console/console-notifier';
export type { ConsoleNotifierOptions } from './console/console-notifier';
export { renderConsole } from './console/render-console';
