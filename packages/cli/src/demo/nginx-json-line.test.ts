import { createEventParser } from '@vigil/formats';
import { simulateTraffic } from '@vigil/detection';
import { describe, expect, it } from 'vitest';
import { nginxJsonLine } from './nginx-json-line';

describe('nginxJsonLine', () => {
  it('writes lines the collector auto-detects as nginx JSON and reads back into the same event', () => {
    const parser = createEventParser({ format: 'auto' });
    const events = [...simulateTraffic({ seed: 3, start: Date.UTC(2024, 4, 1, 12), durationMs: 5_000, requestsPerSecond: 20 })];
    expect(events.length).toBeGreaterThan(50);
    for (const event of events) {
      const result = parser.parseLine(nginxJsonLine(event), { source: 'test', receivedAt: 0 });
      if (!result.ok) throw new Error(`rejected ${result.reason}: ${nginxJsonLine(event)}`);
      expect(parser.lastDetected()).toBe('nginx-json');
      expect(result.event).toMatchObject({
        time: event.time,
        service: event.service,
        client: { ip: event.client.ip },
        request: { method: event.request.method, path: event.request.path, route: event.request.route, id: event.request.id },
        response: { status: event.response.status, bytes: event.response.bytes },
      });
      // nginx logs $request_time in whole milliseconds, as the line does.
      expect(Math.abs((result.event.response.latencyMs ?? Number.NaN) - (event.response.latencyMs ?? 0))).toBeLessThanOrEqual(1);
    }
  });
});
