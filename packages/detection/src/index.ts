// Pure detection maths: event-time buckets, sketches, baselines, scores, detectors. No I/O, no clock.
export {};
