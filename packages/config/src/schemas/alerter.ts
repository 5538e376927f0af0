// Environment settings of the alerter service.
// TODO(#5): fill in as the service grows.

export const alerterSchema = {};
