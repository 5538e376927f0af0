// What a Kafka test needs: the run's brokers (from the integration globalSetup) and names no
// other test uses. No broker means a loud failure, never a skipped test.

import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export function kafkaBrokers(): string[] {
  const brokers = inject('kafkaBrokers');
  if (brokers === undefined || brokers.length === 0) {
    throw new Error(
      'No Kafka broker for this test. Kafka tests belong under test/integration (whose globalSetup starts a real broker, ' +
        'needing Java 17 and Maven) — or set KAFKA_BROKERS=host:port to use a running one.',
    );
  }
  return brokers;
}

let sequence = 0;

/** A topic, group or prefix name unique to this test: letters, digits, "-" and "." only. */
export function uniqueName(prefix: string): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${sequence}-${randomBytes(3).toString('hex')}`;
}
