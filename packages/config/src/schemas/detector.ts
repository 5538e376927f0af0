// Environment settings of the detector service.
// TODO(#4): fill in as the service grows.

export const detectorSchema = {};
