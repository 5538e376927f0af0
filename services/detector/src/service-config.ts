// Settings of the detector service itself (the engine's knobs are detectorSchema in @vigil/config):
// consumer group, how event time advances, when time falls back to the wall clock, and how often
// state is checkpointed.

import { integer, string } from '@vigil/config';

export const detectorServiceSchema = {
  groupId: string({
    env: 'VIGIL_DETECTOR_GROUP_ID',
    description: 'Kafka consumer group of the detector instances; every instance of one deployment uses the same.',
    example: 'vigil-detector-eu',
    default: 'vigil-detector',
  }),
  watermarkAllowanceSeconds: integer({
    env: 'VIGIL_WATERMARK_ALLOWANCE_SECONDS',
    description: 'The watermark trails the newest event time by this much, so slightly out-of-order events still land in open buckets.',
    example: '5',
    default: 2,
    min: 0,
    max: 3600,
  }),
  idleAdvanceSeconds: integer({
    env: 'VIGIL_IDLE_ADVANCE_SECONDS',
    description:
      'When a partition (or the whole input) brings no events for this long, event time advances with the wall clock, so a total outage is still measured.',
    example: '60',
    default: 30,
    min: 1,
  }),
  checkpointIntervalMs: integer({
    env: 'VIGIL_CHECKPOINT_INTERVAL_MS',
    description:
      'Longest a partition goes between checkpoints (each costs Kafka round trips); the outputs in between wait for the next one, except anomalies and closed buckets, which checkpoint at once. 0 checkpoints after every batch.',
    example: '5000',
    default: 1000,
    min: 0,
    max: 600000,
  }),
};
