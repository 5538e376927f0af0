// Kafka transport (kafkajs) and the in-process transport with the same interface.
export {};
