import { describe, expect, it } from 'vitest';
import { KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { kafkaUnavailable } from './kafka-errors';

describe('kafkaUnavailable', () => {
  it('marks a connection failure retryable and keeps the cause', () => {
    const cause = new KafkaJSNumberOfRetriesExceeded(new Error('connect ECONNREFUSED 127.0.0.1:9'), { retryCount: 5, retryTime: 3000 });
    const error = kafkaUnavailable('send to vigil.events.v1', cause);
    expect(error).toMatchObject({ code: 'VIGIL_KAFKA_UNAVAILABLE', retryable: true, cause });
    expect(error.message).toContain('send to vigil.events.v1');
  });

  it('marks a request Kafka will always refuse as not retryable', () => {
    // The shape kafkajs gives a broker error code it does not retry.
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size'), {
      name: 'KafkaJSProtocolError',
      type: 'MESSAGE_TOO_LARGE',
      retriable: false,
    });
    expect(kafkaUnavailable('send', tooLarge).retryable).toBe(false);
  });
});
