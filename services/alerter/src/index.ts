// The alerter service: groups anomalies into alerts, silences, routes and delivers them to Slack,
// email, webhooks and Alertmanager, exactly-once per channel except for one documented window.
export { startAlerter } from './start-alerter';
export type { AlerterRuntimeOptions } from './start-alerter';
export { createNotifiers } from './channels/create-notifiers';
export type { NotifierContext } from './channels/create-notifiers';
