import { afterEach, describe, expect, it } from 'vitest';
import type { KafkaTransport, Producer } from '@vigil/transport';
import { startBroker } from '../../../tools/kafka/broker';
import type { LocalBroker } from '../../../tools/kafka/broker';
import { uniqueName } from '../../support/kafka';
import { kafkaTransportFor } from './kafka-fixture';

// Uses a broker of its own: killing the shared one would break every other test of the run.
describe('producer during a broker outage', () => {
  let broker: LocalBroker | undefined;
  let transport: KafkaTransport | undefined;
  afterEach(async () => {
    await transport?.close().catch(() => {});
    await broker?.stop();
  });

  it('real broker: a send fails with VIGIL_KAFKA_UNAVAILABLE while the broker is down and succeeds after it restarts on the same data', { timeout: 180000 }, async () => {
    broker = await startBroker();
    transport = kafkaTransportFor({ brokers: broker.brokers, prefix: uniqueName('outage'), partitions: 1 });
    await transport.ensureTopics();
    const topic = transport.topic('events');
    const producer: Producer = await transport.producer();
    await producer.send(topic, [{ key: 'a', value: 'before' }]);

    await broker.kill();
    const downAt = Date.now();
    await expect(producer.send(topic, [{ key: 'a', value: 'during' }])).rejects.toMatchObject({ code: 'VIGIL_KAFKA_UNAVAILABLE', retryable: true });

    const failedAfterMs = Date.now() - downAt;
    const restartAt = Date.now();
    await broker.restart();
    const restartedAfterMs = Date.now() - restartAt;
    await producer.send(topic, [{ key: 'a', value: 'after' }]);
    console.log(
      `[kafka] send failed ${failedAfterMs} ms after the broker was killed; broker restarted in ${restartedAfterMs} ms; ` +
        `first send after restart done ${Date.now() - restartAt - restartedAfterMs} ms later`,
    );
    const values = (await transport.readAll(topic)).map((record) => record.value.toString());
    expect(values[0]).toBe('before');
    expect(values.at(-1)).toBe('after');
  });
});
