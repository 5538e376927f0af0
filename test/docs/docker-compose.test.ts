import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_SECTIONS } from '../../packages/cli/src/config-sections';
import { ROOT } from '../../tools/generated-docs';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
}

const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const known = new Set(CONFIG_SECTIONS.flatMap((s) => Object.values(s.schema).map((f) => f.env)));

describe('docker-compose.yml', () => {
  it('runs the official apache/kafka image in KRaft mode with a healthcheck', () => {
    const kafka = compose.services.kafka;
    expect(kafka?.image).toMatch(/^apache\/kafka:3\.9\.\d+$/);
    expect(kafka?.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka?.environment?.CLUSTER_ID).toBeTruthy();
    expect(kafka?.healthcheck?.test.join(' ')).toContain('kafka-broker-api-versions');
  });

  it("keeps Kafka's data on the volume it mounts", () => {
    // With KAFKA_* variables set, apache/kafka builds server.properties from them alone: without
    // KAFKA_LOG_DIRS the broker logs to /tmp/kafka-logs inside the container, and topics,
    // detector checkpoints and silences are gone when the container is recreated.
    const kafka = compose.services.kafka;
    const mounted = (kafka?.volumes ?? []).map((v) => v.split(':')[1]);
    expect(mounted).toContain(kafka?.environment?.KAFKA_LOG_DIRS);
  });

  it.each(['collector', 'detector', 'alerter'])('runs the %s service against Kafka with a healthcheck', (name) => {
    const service = compose.services[name];
    expect(service?.command).toEqual(['start', name]);
    expect(service?.environment?.KAFKA_BROKERS).toBe('kafka:19092');
    expect(service?.healthcheck?.test.join(' ')).toContain('/healthz');
    expect(service?.depends_on?.kafka?.condition).toBe('service_healthy');
  });

  it('publishes every port on the loopback only: its tokens are public and Kafka and syslog take anyone', () => {
    const published = Object.entries(compose.services).flatMap(([name, s]) => (s.ports ?? []).map((port) => `${name} ${port}`));
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((entry) => !/^\S+ 127\.0\.0\.1:\d+:\d+(\/(tcp|udp))?$/.test(entry))).toEqual([]);
  });

  it('binds every listener whose port it publishes to all interfaces, not to 127.0.0.1', () => {
    // Docker forwards a published port to the container's own address: a listener on the
    // default 127.0.0.1 is unreachable from the host. VIGIL_HTTP_HOST was set, VIGIL_SYSLOG_HOST
    // was not, so syslog sent to localhost:5514 went nowhere.
    const collector = compose.services.collector;
    const published = (collector?.ports ?? []).map((p) => Number(p.split(':').at(-1)?.split('/')[0]));
    const env = collector?.environment ?? {};
    const listeners = [
      { port: env.VIGIL_HTTP_PORT, host: env.VIGIL_HTTP_HOST },
      { port: env.VIGIL_SYSLOG_UDP_PORT, host: env.VIGIL_SYSLOG_HOST },
      { port: env.VIGIL_SYSLOG_TCP_PORT, host: env.VIGIL_SYSLOG_HOST },
    ].filter((l) => l.port !== undefined && published.includes(Number(l.port)));
    expect(listeners).toHaveLength(3);
    for (const listener of listeners) expect(['0.0.0.0', '::']).toContain(listener.host);
  });

  it('routes alerts only to channels its alerter runs (console is off on Kafka unless VIGIL_CONSOLE_ALERTS=on)', () => {
    const env = compose.services.alerter?.environment ?? {};
    const running = new Set([
      ...(env.VIGIL_SLACK_WEBHOOK_URL === undefined ? [] : ['slack']),
      ...(env.VIGIL_SMTP_URL === undefined ? [] : ['email']),
      ...(env.VIGIL_WEBHOOK_URL === undefined ? [] : ['webhook']),
      ...(env.VIGIL_ALERTMANAGER_URL === undefined ? [] : ['alertmanager']),
      ...(env.VIGIL_CONSOLE_ALERTS === 'on' ? ['console'] : []),
    ]);
    const routed = ['VIGIL_ROUTE_CRITICAL', 'VIGIL_ROUTE_WARNING', 'VIGIL_ROUTE_INFO'].flatMap((v) => String(env[v] ?? '').split(',')).filter((c) => c !== '');
    expect(routed.length).toBeGreaterThan(0);
    expect(routed.filter((channel) => !running.has(channel))).toEqual([]);
  });

  it('sets only variables Vigil knows', () => {
    const unknown = Object.entries(compose.services)
      .filter(([name]) => ['collector', 'detector', 'alerter'].includes(name))
      .flatMap(([, s]) => Object.keys(s.environment ?? {}))
      .filter((v) => (v.startsWith('VIGIL_') || v.startsWith('KAFKA_')) && !known.has(v));
    expect(unknown).toEqual([]);
  });
});
