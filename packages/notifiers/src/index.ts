// Slack, email, webhook and Alertmanager notifiers: pure renderers plus senders.
export {};
