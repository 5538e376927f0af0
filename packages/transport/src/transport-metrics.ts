// Record counts per topic, reported by both transports. Built on the telemetry counters; the
// structural type keeps the transport independent of how telemetry is implemented.

import { COMPONENT_METRICS } from '@vigil/telemetry';

export interface CounterFactory {
  counter(name: string, description: string): { add(value: number, attributes?: Record<string, string>): void };
}

export interface TransportMetrics {
  sent(topic: string, records: number): void;
  received(topic: string, records: number): void;
}

export function transportMetrics(telemetry: CounterFactory): TransportMetrics {
  const sent = telemetry.counter(COMPONENT_METRICS.transportSent.name, COMPONENT_METRICS.transportSent.description);
  const received = telemetry.counter(COMPONENT_METRICS.transportReceived.name, COMPONENT_METRICS.transportReceived.description);
  return {
    sent: (topic, records) => sent.add(records, { topic }),
    received: (topic, records) => received.add(records, { topic }),
  };
}
