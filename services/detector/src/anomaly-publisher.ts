// Publishes anomalies to anomalies.v1, keyed by detector and entity so one incident stays in
// order on one partition. After a restore, anomalies of the checkpointed outbox that already
// reached the topic are not published twice.

import { parseJson, validateAnomaly, type Anomaly } from '@vigil/contract';
import type { Producer, Transport } from '@vigil/transport';

function anomalyKey(anomaly: Anomaly): string {
  const { kind, key, service } = anomaly.entity;
  return `${anomaly.detector}|${kind}|${service ?? ''}|${key}`;
}

/** One record per incident step: the same incident, state and window is the same record. */
function fingerprint(anomaly: Pick<Anomaly, 'id' | 'state' | 'window'>): string {
  return `${anomaly.id}|${anomaly.state}|${anomaly.window.start}`;
}

export class AnomalyPublisher {
  constructor(
    private readonly transport: Transport,
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  /** Validates (an invalid anomaly is returned, not published) and publishes the rest, each with `headers` (the trace). */
  async publish(anomalies: readonly Anomaly[], headers: Record<string, string> = {}): Promise<{ sent: number; invalid: Array<{ anomaly: Anomaly; error: unknown }> }> {
    const valid: Anomaly[] = [];
    const invalid: Array<{ anomaly: Anomaly; error: unknown }> = [];
    for (const anomaly of anomalies) {
      try {
        valid.push(validateAnomaly(anomaly));
      } catch (error) {
        invalid.push({ anomaly, error });
      }
    }
    await this.producer.send(
      this.topic,
      valid.map((anomaly) => ({ key: anomalyKey(anomaly), value: JSON.stringify(anomaly), headers })),
    );
    return { sent: valid.length, invalid };
  }

  /** The anomalies not yet on the topic (reads only the partitions their keys map to). */
  async unpublished(anomalies: readonly Anomaly[]): Promise<Anomaly[]> {
    if (anomalies.length === 0) return [];
    const count = await this.transport.partitionCount(this.topic);
    const partitions = [...new Set(anomalies.map((anomaly) => this.transport.partitionFor(anomalyKey(anomaly), count)))];
    const published = new Set<string>();
    for (const record of await this.transport.readAll(this.topic, { partitions })) {
      try {
        published.add(fingerprint(parseJson('anomaly', record.value) as Anomaly));
      } catch {
        // Someone else's malformed record cannot be one of ours.
      }
    }
    return anomalies.filter((anomaly) => !published.has(fingerprint(anomaly)));
  }
}
