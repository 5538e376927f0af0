// Keeps the SilenceStore equal to the compacted silences.v1 topic: everything read at start, then
// a broadcast consumer (every instance sees every silence; no committed offsets, and no group left
// behind: see docs/alerting.md) applies changes. Deletion writes the silence again, expired, so
// compaction keeps only the final state.

import { hostname } from 'node:os';
import { parseJson } from '@vigil/contract';
import type { Logger } from '@vigil/telemetry';
import type { Consumer, IncomingRecord, Producer, Transport } from '@vigil/transport';
import type { Clock } from '../clock';
import { validateSilence, type Silence } from './silence';
import type { SilenceStore } from './silence-store';

export interface SilenceSync {
  save(silence: Silence): Promise<void>;
  stop(): Promise<void>;
}

export async function startSilenceSync(options: {
  transport: Transport;
  producer: Producer;
  store: SilenceStore;
  groupPrefix: string;
  clock: Clock;
  logger: Logger;
}): Promise<SilenceSync> {
  const { transport, producer, store, clock, logger } = options;
  const topic = transport.topic('silences');
  const apply = (record: IncomingRecord) => {
    try {
      const silence = validateSilence(parseJson('silences record', record.value));
      if (silence.endsAt !== null && silence.endsAt <= clock()) store.remove(silence.id);
      else store.put(silence, clock());
    } catch (error) {
      logger.warn({ err: error, partition: record.partition, offset: record.offset }, 'ignored an invalid silences.v1 record');
    }
  };
  for (const record of await transport.readAll(topic)) apply(record);
  const consumer: Consumer = transport.consumer({
    // The transport appends a unique suffix; the host name tells an operator listing groups whose it is.
    groupId: `${options.groupPrefix}-silences-${hostname()}`,
    topics: [topic],
    fromBeginning: true,
    broadcast: true,
    eachBatch: async (batch) => batch.records.forEach(apply),
  });
  await consumer.start();
  return {
    async save(silence) {
      await producer.send(topic, [{ key: silence.id, value: JSON.stringify(silence) }]);
      if (silence.endsAt !== null && silence.endsAt <= clock()) store.remove(silence.id);
      else store.put(silence, clock());
    },
    stop: () => consumer.stop(),
  };
}
