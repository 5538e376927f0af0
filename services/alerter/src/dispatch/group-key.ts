// The alert group an anomaly belongs to: the values of the configured fields (VIGIL_GROUP_BY),
// default detector + entity, so one misbehaving client is one incident however many buckets fire.

import type { Anomaly } from '@vigil/contract';

export type GroupByField = 'detector' | 'entityKind' | 'entityKey' | 'service' | 'signal';

function fieldValue(anomaly: Anomaly, field: GroupByField): string {
  switch (field) {
    case 'detector':
      return anomaly.detector;
    case 'entityKind':
      return anomaly.entity.kind;
    case 'entityKey':
      return anomaly.entity.key;
    case 'service':
      return anomaly.entity.service ?? '-';
    case 'signal':
      return anomaly.signal;
  }
}

export function groupKeyFunction(fields: readonly GroupByField[]): (anomaly: Anomaly) => string {
  return (anomaly) => fields.map((field) => fieldValue(anomaly, field)).join('|');
}
