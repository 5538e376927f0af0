// Groups, dedups, silences and routes anomalies to Slack, email, webhooks and Alertmanager.
export {};
