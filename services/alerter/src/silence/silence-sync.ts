// Keeps the SilenceStore equal to the compacted silences.v1 topic: everything read at start, then
// a broadcast consumer (every instance sees every silence; no committed offsets, and no group left
// behind: see docs/alerting.md) applies changes. A silence that is deleted or has expired is
// tombstoned (a null value under its id), so compaction removes it and a start reads only the
// silences that still matter. A deletion is tombstoned by the instance that served it; an expiry
// by one instance only, the one the caller's `ownsExpiry` names (the holder of anomalies.v1
// partition 0), while the others keep the expired id until the tombstone reaches them.
import { hostname } from 'node:os';
import { parseJson } from '@vigil/contract';
import type { Logger } from '@vigil/telemetry';
import type { Consumer, IncomingRecord, Producer, Transport } from '@vigil/transport';
import type { Clock } from '../clock';
import { validateSilence, type Silence } from './silence';
import type { SilenceStore } from './silence-store';

export interface SilenceSync {
  save(silence: Silence): Promise<void>;
  /** Deletes a silence: a tombstone on silences.v1, and gone from the store. */
  remove(id: string): Promise<void>;
  /** Tombstones the silences on the topic that have expired by `now`, if this instance owns expiry; a failed send is tried again next time. */
  tombstoneExpired(now: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSilenceSync(options: {
  transport: Transport;
  producer: Producer;
  store: SilenceStore;
  groupPrefix: string;
  clock: Clock;
  logger: Logger;
  /** Whether this instance tombstones expired silences now: exactly one instance of the group should. */
  ownsExpiry(): boolean;
}): Promise<SilenceSync> {
  const { transport, producer, store, clock, logger } = options;
  const topic = transport.topic('silences');
  /** Silences on the topic and not tombstoned yet → when they end: what a tombstone is still owed for. */
  const onTopic = new Map<string, number>();

  const forget = (id: string) => {
    onTopic.delete(id);
    store.remove(id);
  };
  const apply = (record: IncomingRecord) => {
    if (record.tombstone === true) {
      if (record.key !== null) forget(record.key);
      return;
    }
    try {
      const silence = validateSilence(parseJson('silences record', record.value));
      if (silence.endsAt !== null) onTopic.set(silence.id, silence.endsAt);
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

  const tombstone = async (ids: readonly string[]) => {
    if (ids.length === 0) return;
    await producer.send(topic, ids.map((id) => ({ key: id, value: null })));
    for (const id of ids) forget(id);
  };
  let expiring = false;
  return {
    async save(silence) {
      await producer.send(topic, [{ key: silence.id, value: JSON.stringify(silence) }]);
      if (silence.endsAt !== null) onTopic.set(silence.id, silence.endsAt);
      store.put(silence, clock());
    },
    remove: (id) => tombstone([id]),
    async tombstoneExpired(now) {
      if (expiring || !options.ownsExpiry()) return;
      expiring = true;
      try {
        const expired = [...onTopic].filter(([, endsAt]) => endsAt <= now).map(([id]) => id);
        await tombstone(expired);
        if (expired.length > 0) logger.info({ audit: 'silence', action: 'expire', ids: expired }, 'expired silences removed from silences.v1');
      } finally {
        expiring = false;
      }
    },
    stop: () => consumer.stop(),
  };
}
