// Topic names of DESIGN.md, under a configurable prefix (VIGIL_TOPIC_PREFIX, default "vigil.").

export const TOPICS = {
  events: 'events.v1',
  rejected: 'rejected.v1',
  repartition: 'repartition.v1',
  detectorState: 'detector-state.v1',
  anomalies: 'anomalies.v1',
  silences: 'silences.v1',
  notifications: 'notifications.v1',
  notificationsDlq: 'notifications-dlq.v1',
} as const;

export type TopicRole = keyof typeof TOPICS;

/** Topics whose latest record per key is the state: created with cleanup.policy=compact. */
export const COMPACTED_TOPICS: readonly TopicRole[] = ['detectorState', 'silences'];

export function topicName(prefix: string, role: TopicRole): string {
  return `${prefix}${TOPICS[role]}`;
}
