// Ingests gateway logs over HTTP, syslog, file tail and stdin; parses, normalizes, redacts, publishes events.
export {};
