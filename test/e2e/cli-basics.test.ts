import { readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_TLS } from '../support/tls';
import { spawnVigil, type VigilProcess } from '../support/vigil-process';

describe('vigil command', () => {
  let running: VigilProcess | undefined;
  afterEach(async () => {
    await running?.stop('SIGKILL');
    running = undefined;
  });

  it('vigil config prints the configuration with secrets masked', async () => {
    running = spawnVigil(['config'], { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'vigil', KAFKA_SASL_PASSWORD: 'hunter2-secret', VIGIL_ADMIN_TOKENS: 'adm-secret-1' });
    expect(await running.exited()).toBe(0);
    expect(running.stdout()).toContain('KAFKA_SASL_PASSWORD=<secret>');
    expect(running.stdout()).toContain('VIGIL_ADMIN_TOKENS=<secret>');
    expect(running.stdout() + running.stderr()).not.toMatch(/hunter2-secret|adm-secret-1/);
  });

  it('vigil start stops with a message naming the variable when KAFKA_BROKERS is malformed', async () => {
    running = spawnVigil(['start'], { KAFKA_BROKERS: 'not a host:port' });
    expect(await running.exited()).toBe(1);
    expect(running.stderr()).toMatch(/KAFKA_BROKERS item "not a host:port" must be host:port .*e\.g\. KAFKA_BROKERS=/);
  });

  it('vigil start collector names KAFKA_BROKERS when no broker answers there: a closed port, and a port that is not Kafka', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    // Accepts the connection and closes it, as a wrong service or a TLS-only listener would.
    const notKafka = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => notKafka.listen(0, '127.0.0.1', resolve));
    try {
      for (const address of [`127.0.0.1:${closedPort}`, `127.0.0.1:${(notKafka.address() as AddressInfo).port}`]) {
        running = spawnVigil(['start', 'collector'], { KAFKA_BROKERS: address, VIGIL_HTTP_PORT: '0', VIGIL_LOG_LEVEL: 'silent' });
        expect(await running.exited()).toBe(1);
        expect(running.stderr()).toContain(`VIGIL_KAFKA_UNAVAILABLE: No Kafka broker answered at KAFKA_BROKERS=${address}`);
        expect(running.stderr()).toContain('e.g. KAFKA_BROKERS=broker1:9092');
      }
    } finally {
      notKafka.close();
    }
  }, 90_000);

  it('vigil start stops with a message naming the variable when VIGIL_BUCKET_SECONDS=-1', async () => {
    running = spawnVigil(['start'], { VIGIL_BUCKET_SECONDS: '-1', VIGIL_HTTP_PORT: '0' });
    expect(await running.exited()).toBe(1);
    expect(running.stderr()).toMatch(/VIGIL_BUCKET_SECONDS must be a positive integer \(got "-1"\), e\.g\. VIGIL_BUCKET_SECONDS=\d+/);
  });

  it('vigil start reports every bad variable of every service at once', async () => {
    running = spawnVigil(['start'], { VIGIL_BUCKET_SECONDS: '-1', VIGIL_TOPIC_PARTITIONS: '0', VIGIL_GROUP_WAIT_SECONDS: 'soon', VIGIL_HTTP_PORT: '0' });
    expect(await running.exited()).toBe(1);
    for (const name of ['VIGIL_BUCKET_SECONDS', 'VIGIL_TOPIC_PARTITIONS', 'VIGIL_GROUP_WAIT_SECONDS']) {
      expect(running.stderr()).toMatch(new RegExp(`^${name} .*e\\.g\\. ${name}=`, 'm'));
    }
  });

  it('vigil start runs the embedded all-in-one and stops cleanly on Ctrl-C', async () => {
    running = spawnVigil(['start'], { VIGIL_HTTP_PORT: '0', VIGIL_INGEST_TOKENS: 'e2e-token' });
    const [, port] = await running.waitForOutput(/HTTP on http:\/\/127\.0\.0\.1:(\d+)/);
    expect(running.stdout()).toContain('embedded (in-process transport, no Kafka)');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await running.stop('SIGINT')).toBe(0);
    expect(running.stdout()).toContain('Vigil stopped.');
  });

  it('vigil start serves HTTPS when given a certificate and key, and plain HTTP no longer', async () => {
    running = spawnVigil(['start'], {
      VIGIL_HTTP_PORT: '0',
      VIGIL_INGEST_TOKENS: 'e2e-token',
      VIGIL_HTTP_TLS_CERT_FILE: TEST_TLS.certFile,
      VIGIL_HTTP_TLS_KEY_FILE: TEST_TLS.keyFile,
    });
    const [, port] = await running.waitForOutput(/HTTPS on https:\/\/127\.0\.0\.1:(\d+)/);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      httpsGet({ host: '127.0.0.1', port, path: '/healthz', ca: readFileSync(TEST_TLS.certFile) }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('vigil start stops when a TLS certificate comes without its key, or cannot be read, naming the variable', async () => {
    running = spawnVigil(['start'], { VIGIL_HTTP_PORT: '0', VIGIL_HTTP_TLS_CERT_FILE: TEST_TLS.certFile, VIGIL_SYSLOG_TLS_KEY_FILE: TEST_TLS.keyFile });
    expect(await running.exited()).toBe(1);
    expect(running.stderr()).toMatch(/VIGIL_HTTP_TLS_CERT_FILE is set, so VIGIL_HTTP_TLS_KEY_FILE must be too, e\.g\. VIGIL_HTTP_TLS_KEY_FILE=/);
    expect(running.stderr()).toMatch(/VIGIL_SYSLOG_TLS_KEY_FILE is set, so VIGIL_SYSLOG_TLS_CERT_FILE must be too/);

    running = spawnVigil(['start'], { VIGIL_HTTP_PORT: '0', VIGIL_HTTP_TLS_CERT_FILE: '/nonexistent/tls.crt', VIGIL_HTTP_TLS_KEY_FILE: TEST_TLS.keyFile });
    expect(await running.exited()).toBe(1);
    expect(running.stderr()).toMatch(/VIGIL_HTTP_TLS_CERT_FILE names a file that cannot be read \(ENOENT/);
  });

  it('vigil start names the variable when a listener cannot start, or its address is not an address', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as AddressInfo).port;
    try {
      running = spawnVigil(['start'], { VIGIL_HTTP_PORT: '0', VIGIL_SYSLOG_TCP_PORT: String(taken) });
      expect(await running.exited()).toBe(1);
      expect(running.stderr()).toMatch(new RegExp(`VIGIL_SYSLOG_TCP_PORT: port ${taken} on 127\\.0\\.0\\.1 is in use; choose a free port`));
      expect(running.stderr()).not.toContain('unexpected error');
    } finally {
      holder.close();
    }
    running = spawnVigil(['start'], { VIGIL_HTTP_PORT: '0', VIGIL_HTTP_HOST: 'localhost', VIGIL_SYSLOG_HOST: '10.0.0.300' });
    expect(await running.exited()).toBe(1);
    expect(running.stderr()).toMatch(/VIGIL_HTTP_HOST must be an IP address of this machine to listen on.*\(got "localhost"\), e\.g\. VIGIL_HTTP_HOST=0\.0\.0\.0/);
    expect(running.stderr()).toMatch(/VIGIL_SYSLOG_HOST must be an IP address/);
  });

  it('a second Ctrl-C (as pnpm forwards it) does not cut the drain short', async () => {
    running = spawnVigil(['start'], { VIGIL_HTTP_PORT: '0', VIGIL_INGEST_TOKENS: 'e2e-token' });
    await running.waitForOutput(/Press Ctrl-C to stop\./);
    running.child.kill('SIGINT');
    await running.waitForOutput(/draining and stopping/);
    running.child.kill('SIGINT');
    expect(await running.exited()).toBe(0);
    expect(running.stdout()).toContain('Vigil stopped.');
  });

  it('an unknown command prints usage and exits 2', async () => {
    running = spawnVigil(['frobnicate']);
    expect(await running.exited()).toBe(2);
    expect(running.stderr()).toContain('unknown command "frobnicate"');
  });
});
