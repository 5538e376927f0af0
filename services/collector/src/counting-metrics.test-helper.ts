// Test helper: PipelineMetrics that count every call, so a test reads what a source counted.

import type { PipelineMetrics } from '@vigil/telemetry';

/** Every pipeline metric call, as "received", "sent", "rejected:<reason>", "discarded:<reason>", "error:<stage>". */
export function countingMetrics(): { counts: Record<string, number>; metrics: PipelineMetrics } {
  const counts: Record<string, number> = {};
  const add = (key: string, count: number) => void (counts[key] = (counts[key] ?? 0) + count);
  const metrics: PipelineMetrics = {
    received: (count) => add('received', count),
    sent: (count) => add('sent', count),
    rejected: (count, reason) => add(`rejected:${reason}`, count),
    discarded: (count, reason) => add(`discarded:${reason}`, count),
    error: (stage) => add(`error:${stage}`, 1),
  };
  return { counts, metrics };
}
