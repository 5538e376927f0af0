// What a rebalance took away from a member: its previous partitions that the new assignment lacks.
// Both transports use it to call onRevoke before onAssign.

import type { PartitionAssignment } from './transport';

/** Partitions of `previous` not in `next`, per topic; topics with none left out. */
export function revokedPartitions(previous: readonly PartitionAssignment[], next: readonly PartitionAssignment[]): PartitionAssignment[] {
  return previous.flatMap(({ topic, partitions }) => {
    const kept = new Set(next.find((entry) => entry.topic === topic)?.partitions ?? []);
    const revoked = partitions.filter((partition) => !kept.has(partition));
    return revoked.length === 0 ? [] : [{ topic, partitions: revoked }];
  });
}
