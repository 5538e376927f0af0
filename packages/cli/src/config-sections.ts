// Every configuration schema, in the order the README table and `vigil config` show them.

import {
  alerterSchema,
  collectorSchema,
  commonSchema,
  detectorSchema,
  formatsSchema,
  kafkaSchema,
  type Schema,
} from '@vigil/config';
import { detectorServiceSchema } from '@vigil/detector';
import { tracingSchema } from '@vigil/telemetry';

export interface ConfigSection {
  title: string;
  schema: Schema;
}

export const CONFIG_SECTIONS: readonly ConfigSection[] = [
  { title: 'General', schema: commonSchema },
  { title: 'Kafka', schema: kafkaSchema },
  { title: 'Collector', schema: collectorSchema },
  { title: 'Log formats and normalization', schema: formatsSchema },
  { title: 'Detector service', schema: detectorServiceSchema },
  { title: 'Detection', schema: detectorSchema },
  { title: 'Alerter', schema: alerterSchema },
  { title: 'Tracing', schema: tracingSchema },
];
