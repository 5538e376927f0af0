// Typed environment configuration: field builders, validation, printing and the README table.

export { boolean, hostPortProblem, integer, list, number, oneOf, optional, string, url } from './field';
export type { Field } from './field';
export { checkConfig, describeConfig, loadConfig, renderConfigTable, shortTokenWarnings, unknownVariableWarnings } from './load';
export type { ConfigOf, ConfigProblem, Env, Schema } from './load';
export { kafkaSchema } from './schemas/kafka';
export { commonSchema } from './schemas/common';
export { collectorSchema } from './schemas/collector';
export { DETECTOR_NAMES, detectorSchema } from './schemas/detector';
export { alerterSchema } from './schemas/alerter';
export { formatsSchema } from './schemas/formats';
