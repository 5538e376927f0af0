import { describe, expect, it } from 'vitest';
import { hostileNotification, sampleAnomaly, sampleNotification } from '../sample-notification';
import { renderAlertmanager } from './render-alertmanager';

describe('renderAlertmanager', () => {
  it('labels a firing alert by detector, entity and severity, without endsAt', () => {
    const [alert] = renderAlertmanager(sampleNotification());
    expect(alert).toEqual({
      labels: {
        alertname: 'VigilAnomaly',
        detector: 'traffic-spike',
        entity_kind: 'client',
        entity: '1.2.3.4',
        severity: 'critical',
        service: 'checkout-api',
      },
      annotations: expect.objectContaining({ observed: '1,240', expected: '85.5', score: '0.97', anomaly_id: 'an-7f3c2a91' }),
      startsAt: '2025-01-15T09:30:00.000Z',
    });
  });

  it('sets endsAt on a resolved alert', () => {
    const [alert] = renderAlertmanager(sampleNotification({ kind: 'resolved' }));
    expect(alert?.endsAt).toBe('2025-01-15T09:30:10.000Z');
  });

  it('posts one alert per anomaly folded into a summary', () => {
    const suppressed = [sampleAnomaly({ id: 'a', entity: { kind: 'ip', key: '10.0.0.1' } }), sampleAnomaly({ id: 'b', entity: { kind: 'ip', key: '10.0.0.2' } })];
    const alerts = renderAlertmanager(sampleNotification({ kind: 'summary', anomaly: suppressed[0]!, suppressed }));
    expect(alerts.map((alert) => alert.labels.entity)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('posts every alert of a correlated incident, each resolved by its own state', () => {
    const related = [sampleAnomaly({ id: 'r', entity: { kind: 'route', key: 'POST /login' } }), sampleAnomaly({ id: 's', entity: { kind: 'service', key: 'accounts' }, state: 'resolved' })];
    const alerts = renderAlertmanager(sampleNotification({ kind: 'updated', related }));
    expect(alerts.map((alert) => [alert.labels.entity, alert.endsAt === undefined])).toEqual([
      ['1.2.3.4', true],
      ['POST /login', true],
      ['accounts', false],
    ]);
  });

  it('removes control characters from labels and caps their length', () => {
    const [alert] = renderAlertmanager(hostileNotification());
    expect(alert?.labels.entity).not.toMatch(/[\r\n]/);
    const [long] = renderAlertmanager(sampleNotification({ anomaly: sampleAnomaly({ entity: { kind: 'client', key: 'x'.repeat(5000) } }) }));
    expect(Array.from(long?.labels.entity ?? '').length).toBeLessThanOrEqual(200);
  });

  it('adds the generator URL when configured', () => {
    const [alert] = renderAlertmanager(sampleNotification(), 'http://vigil.example/alerts');
    expect(alert?.generatorURL).toBe('http://vigil.example/alerts');
  });
});
