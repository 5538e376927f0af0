// Environment settings of the collector service.
// TODO(#3): fill in as the service grows.

export const collectorSchema = {};
