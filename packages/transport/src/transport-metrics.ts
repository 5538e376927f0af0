// Record counts per topic, reported by both transports. Built on the telemetry counters; the
// structural type keeps the transport independent of how telemetry is implemented.

export interface CounterFactory {
  counter(name: string, description: string): { add(value: number, attributes?: Record<string, string>): void };
}

export interface TransportMetrics {
  sent(topic: string, records: number): void;
  received(topic: string, records: number): void;
}

export function transportMetrics(telemetry: CounterFactory): TransportMetrics {
  const sent = telemetry.counter('vigil_transport_records_sent_total', 'Records the transport delivered to a topic.');
  const received = telemetry.counter('vigil_transport_records_received_total', 'Records the transport handed to a consumer.');
  return {
    sent: (topic, records) => sent.add(records, { topic }),
    received: (topic, records) => received.add(records, { topic }),
  };
}
