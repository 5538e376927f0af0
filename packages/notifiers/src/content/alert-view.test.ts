import { describe, expect, it } from 'vitest';
import { sampleAnomaly, sampleNotification } from '../sample-notification';
import { VIEW_LIMITS, buildAlertView } from './alert-view';

describe('buildAlertView', () => {
  it('takes the tone and label from the severity while firing', () => {
    const view = buildAlertView(sampleNotification({ anomaly: sampleAnomaly({ severity: 'warning' }) }));
    expect(view).toMatchObject({ tone: 'warning', label: 'WARNING', title: 'traffic-spike on client 1.2.3.4' });
  });

  it('says how to name a service the logs do not name', () => {
    const view = buildAlertView(sampleNotification({ anomaly: sampleAnomaly({ entity: { kind: 'service', key: '-' } }) }));
    expect(view.title).toBe('traffic-spike on service - (unnamed: set VIGIL_DEFAULT_SERVICE)');
  });

  it('marks a resolved notification green and says it is resolved', () => {
    const view = buildAlertView(sampleNotification({ kind: 'resolved' }));
    expect(view.tone).toBe('resolved');
    expect(view.sentence.startsWith('Resolved: ')).toBe(true);
    const worded = buildAlertView(sampleNotification({ kind: 'resolved', anomaly: sampleAnomaly({ state: 'resolved', summary: 'Resolved after 3 quiet buckets; last: x' }) }));
    expect(worded.sentence).toBe('Resolved after 3 quiet buckets; last: x');
  });

  it('colours a summary by the highest severity it folds and counts every folded alert', () => {
    const suppressed = [
      sampleAnomaly({ id: 'a', severity: 'info' }),
      sampleAnomaly({ id: 'b', severity: 'warning' }),
      ...Array.from({ length: 30 }, (_, i) => sampleAnomaly({ id: `c${i}`, severity: 'info' })),
    ];
    const view = buildAlertView(sampleNotification({ kind: 'summary', anomaly: suppressed[0]!, suppressed }));
    expect(view).toMatchObject({ tone: 'warning', label: 'SUMMARY', suppressedTotal: 32 });
    expect(view.suppressed).toHaveLength(VIEW_LIMITS.suppressed);
  });

  it('caps long untrusted keys and ranked lists', () => {
    const anomaly = sampleAnomaly({
      entity: { kind: 'client', key: 'k'.repeat(5000) },
      evidence: { ...sampleAnomaly().evidence, topRoutes: Array.from({ length: 50 }, (_, i) => ({ key: `/r${i}`, count: i })) },
    });
    const view = buildAlertView(sampleNotification({ anomaly }));
    expect(Array.from(view.entityKey)).toHaveLength(VIEW_LIMITS.key);
    expect(view.topRoutes).toHaveLength(VIEW_LIMITS.ranked);
  });

  it('writes the window as ISO times', () => {
    const view = buildAlertView(sampleNotification());
    expect(view.windowStart).toBe('2025-01-15T09:30:00.000Z');
    expect(view.windowEnd).toBe('2025-01-15T09:30:10.000Z');
  });
});
