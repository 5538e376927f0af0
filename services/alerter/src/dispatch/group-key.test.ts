import { describe, expect, it } from 'vitest';
import { anomalyFixture } from '../anomaly-fixture';
import { groupKeyFunction } from './group-key';

describe('groupKeyFunction', () => {
  it('joins the configured fields in order', () => {
    expect(groupKeyFunction(['detector', 'service'])(anomalyFixture())).toBe('traffic-spike|checkout');
  });

  it('uses "-" for an anomaly without a service', () => {
    expect(groupKeyFunction(['service'])(anomalyFixture({ entity: { kind: 'ip', key: '10.0.0.1' } }))).toBe('-');
  });
});
