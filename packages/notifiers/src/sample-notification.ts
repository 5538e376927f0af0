// A realistic notification for `vigil test-alert`, the README examples and the tests.
import type { Anomaly } from '@vigil/contract';
import type { Notification } from './notification';

export function sampleAnomaly(overrides: Partial<Anomaly> = {}): Anomaly {
  return {
    v: 1,
    id: 'an-7f3c2a91',
    detector: 'traffic-spike',
    entity: { kind: 'client', key: '1.2.3.4', service: 'checkout-api' },
    signal: 'requests',
    window: { start: Date.UTC(2025, 0, 15, 9, 30, 0), end: Date.UTC(2025, 0, 15, 9, 30, 10) },
    observed: 1240,
    expected: 85.5,
    score: 0.97,
    severity: 'critical',
    state: 'firing',
    startedAt: Date.UTC(2025, 0, 15, 9, 30, 0),
    summary: 'Client 1.2.3.4 sent 1,240 requests in 10 s, about 14 times its usual 85.5.',
    evidence: {
      topRoutes: [
        { key: 'POST /login', count: 1100 },
        { key: 'GET /users/{id}', count: 140 },
      ],
      topClients: [{ key: '1.2.3.4', count: 1240 }],
      sampleRequestIds: ['req-01', 'req-02'],
      recent: [80, 92, 77, 85, 88, 90, 310, 1240],
    },
    ...overrides,
  };
}

export function sampleNotification(overrides: Partial<Notification> = {}): Notification {
  const anomaly = overrides.anomaly ?? sampleAnomaly();
  return {
    idempotencyKey: `${anomaly.id}:firing:1`,
    kind: 'firing',
    groupKey: `${anomaly.detector}|${anomaly.entity.kind}:${anomaly.entity.key}`,
    anomaly,
    groupSize: 1,
    ...overrides,
  };
}

/**
 * What `vigil test-alert` sends: plainly a test wherever it lands (an email subject, a Slack
 * headline, an Alertmanager label), so nobody on call acts on it, at info severity so routes by
 * severity do not page for it; `sentAt` names the run.
 */
export function testAlertNotification(sentAt: number): Notification {
  const anomaly = sampleAnomaly({
    id: `test-alert-${sentAt}`,
    detector: 'test-alert',
    entity: { kind: 'service', key: 'vigil-test-alert', service: 'vigil-test-alert' },
    severity: 'info',
    window: { start: sentAt, end: sentAt + 10_000 },
    startedAt: sentAt,
    summary: 'This is a test alert sent by vigil test-alert to check this channel. Nothing is wrong; no action is needed.',
    evidence: { topRoutes: [], topClients: [], sampleRequestIds: [], recent: [] },
  });
  return sampleNotification({ anomaly, idempotencyKey: `test-alert:${sentAt}`, groupKey: 'test-alert' });
}

/** Strings an attacker controls, as they would reach a renderer through an anomaly's evidence. */
export const HOSTILE_STRINGS = {
  path: '/<script>alert(1)</script>',
  userAgent: 'curl <!channel> <https://evil.example|click> `rm -rf` \u001b[31m',
  clientId: 'key-<@U024BE7LH>\r\nBcc: victim@example.com',
} as const;

/** A notification whose entity, routes and clients carry every hostile string. */
export function hostileNotification(overrides: Partial<Notification> = {}): Notification {
  const anomaly = sampleAnomaly({
    entity: { kind: 'client', key: HOSTILE_STRINGS.clientId, service: 'checkout-api' },
    summary: `Client ${HOSTILE_STRINGS.clientId} with user agent ${HOSTILE_STRINGS.userAgent} hit ${HOSTILE_STRINGS.path} 1,240 times.`,
    evidence: {
      topRoutes: [{ key: `GET ${HOSTILE_STRINGS.path}`, count: 900 }],
      topClients: [
        { key: HOSTILE_STRINGS.clientId, count: 700 },
        { key: HOSTILE_STRINGS.userAgent, count: 200 },
      ],
      sampleRequestIds: ['req-<b>1</b>'],
      recent: [3, 4, 3, 90],
    },
  });
  return sampleNotification({ anomaly, ...overrides });
}
