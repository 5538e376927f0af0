// The vigil command: start, config, parse, replay, score, demo, test-alert.
export {};
