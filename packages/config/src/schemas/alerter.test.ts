import { describe, expect, it } from 'vitest';
import { isVigilError } from '@vigil/contract';
import { checkConfig, loadConfig } from '../load';
import { alerterSchema } from './alerter';

describe('alerterSchema', () => {
  it('has working defaults with no variable set', () => {
    const config = loadConfig(alerterSchema, {});
    expect(config.groupBy).toEqual(['detector', 'entityKind', 'entityKey']);
    expect(config.correlateBy).toEqual(['client', 'route', 'service']);
    expect(config.correlateWindowSeconds).toBe(3600);
    expect(loadConfig(alerterSchema, { VIGIL_CORRELATE_BY: 'none' }).correlateBy).toEqual(['none']);
    expect(config.routeCritical).toEqual(['slack', 'email', 'webhook', 'alertmanager']);
    expect(config.staticSilences).toEqual([]);
    expect(config.consoleAlerts).toBe('auto');
    expect(config.smtpAllowPlaintextAuth).toBe(false);
  });

  it('parses static silences with matchers and an end', () => {
    const config = loadConfig(alerterSchema, {
      VIGIL_SILENCES: 'detector=latency-spike,service=batch; entityKey=10.0.0.*,until=2030-01-01T00:00:00Z',
    });
    expect(config.staticSilences).toEqual([
      { matchers: { detector: 'latency-spike', service: 'batch' } },
      { matchers: { entityKey: '10.0.0.*' }, endsAt: Date.UTC(2030, 0, 1) },
    ]);
  });

  it('reports every bad value with the variable and an example', () => {
    const { problems } = checkConfig(alerterSchema, {
      VIGIL_SILENCES: 'colour=red',
      VIGIL_ROUTE_CRITICAL: 'slack,pager',
      VIGIL_ROUTE_DETECTORS: 'spike=slack+fax',
      VIGIL_GROUP_BY: 'detector,userAgent',
      VIGIL_REPEAT_INTERVAL_SECONDS: '0',
      VIGIL_CORRELATE_BY: 'client,user-agent',
      VIGIL_CORRELATE_WINDOW_SECONDS: '0',
    });
    expect(problems.map((p) => p.env).sort()).toEqual(['VIGIL_CORRELATE_BY', 'VIGIL_CORRELATE_WINDOW_SECONDS', 'VIGIL_GROUP_BY', 'VIGIL_REPEAT_INTERVAL_SECONDS', 'VIGIL_ROUTE_CRITICAL', 'VIGIL_ROUTE_DETECTORS', 'VIGIL_SILENCES']);
    expect(problems.find((p) => p.env === 'VIGIL_SILENCES')?.message).toMatch(/e\.g\. VIGIL_SILENCES=/);
    expect(problems.find((p) => p.env === 'VIGIL_CORRELATE_BY')?.message).toMatch(/must be one of client, route, service, or none.*e\.g\. VIGIL_CORRELATE_BY=client,route/);
  });

  it('refuses routes and silences naming a detector that does not exist, and takes every real one', () => {
    const { problems } = checkConfig(alerterSchema, {
      VIGIL_ROUTE_DETECTORS: 'credential-stuffing=slack+email',
      VIGIL_SILENCES: 'detector=latency-cliff,service=batch',
    });
    expect(problems.find((p) => p.env === 'VIGIL_ROUTE_DETECTORS')?.message).toMatch(/unknown detector "credential-stuffing" \(known: traffic-spike, .*auth-failure-surge/);
    expect(problems.find((p) => p.env === 'VIGIL_SILENCES')?.message).toMatch(/unknown detector "latency-cliff"/);
    const config = loadConfig(alerterSchema, {
      VIGIL_ROUTE_DETECTORS: 'auth-failure-surge=slack+email,latency-spike=webhook,test-alert=console',
      VIGIL_SILENCES: 'detector=*-surge,service=batch;detector=slow-ramp',
    });
    expect(config.detectorRoutes).toHaveLength(3);
    expect(config.staticSilences).toHaveLength(2);
  });

  it('takes email addresses with or without a display name, and refuses what no server would', () => {
    const config = loadConfig(alerterSchema, { VIGIL_EMAIL_TO: 'oncall@example.com, On call <pager@example.com>', VIGIL_EMAIL_FROM: 'Vigil <vigil@example.com>' });
    expect(config.emailTo).toEqual(['oncall@example.com', 'On call <pager@example.com>']);
    expect(loadConfig(alerterSchema, { VIGIL_EMAIL_FROM: 'vigil@localhost' }).emailFrom).toBe('vigil@localhost');
    for (const bad of ['notanemail', 'on call@example.com', 'a@b@example.com', 'Name <oncall@example.com', '<>', '@example.com', 'oncall@']) {
      const { problems } = checkConfig(alerterSchema, { VIGIL_EMAIL_TO: bad });
      expect(problems.map((p) => p.env), bad).toEqual(['VIGIL_EMAIL_TO']);
      expect(problems[0]?.message).toMatch(/must be an email address such as oncall@example\.com/);
    }
    expect(checkConfig(alerterSchema, { VIGIL_EMAIL_FROM: 'vigil' }).problems.map((p) => p.env)).toEqual(['VIGIL_EMAIL_FROM']);
  });

  it('names a bad VIGIL_EMAIL_TO item and the value once each', () => {
    expect(checkConfig(alerterSchema, { VIGIL_EMAIL_TO: 'oncall' }).problems[0]?.message).toBe(
      'VIGIL_EMAIL_TO item "oncall" must be an email address such as oncall@example.com or "On call <oncall@example.com>" (got "oncall"), ' +
        'e.g. VIGIL_EMAIL_TO=oncall@example.com,security@example.com',
    );
  });

  it('never prints a secret value in a problem', () => {
    try {
      loadConfig(alerterSchema, { VIGIL_SLACK_WEBHOOK_URL: 'ftp://hooks.example/T0/supersecret' });
      expect.unreachable();
    } catch (error) {
      expect(isVigilError(error, 'VIGIL_CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).not.toContain('supersecret');
    }
  });
});
