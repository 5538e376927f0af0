import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConsole } from '../console/render-console';
import { renderEmail } from '../email/render-email';
import { sampleAnomaly, sampleNotification, testAlertNotification } from '../sample-notification';
import { renderSlack } from '../slack/render-slack';
import { detectorsWithFirstChecks, firstChecks } from './first-checks';

const RUNBOOK = readFileSync(new URL('../../../../docs/operations.md', import.meta.url), 'utf8');

describe('firstChecks', () => {
  it('has a line for every detector the runbook covers, and the runbook a section for each', () => {
    const runbookDetectors = [...RUNBOOK.matchAll(/^### ([a-z-]+) — /gm)].map((m) => m[1]);
    expect(detectorsWithFirstChecks().sort()).toEqual([...runbookDetectors].sort());
  });

  it('tells whoever reads a firing alert what to check first and where the runbook is, on every medium that people read', () => {
    const notification = sampleNotification({ anomaly: sampleAnomaly({ detector: 'auth-failure-surge' }) });
    const checks = firstChecks('auth-failure-surge')!;
    expect(renderConsole(notification)).toContain(`First checks:    ${checks} Runbook: docs/operations.md, auth-failure-surge.`);
    const email = renderEmail(notification);
    expect(email.text).toContain(checks);
    expect(email.html).toContain('First checks');
    const slack = JSON.stringify(renderSlack(notification));
    expect(slack).toContain('*First checks*');
    expect(slack).toContain('Are the top routes login, token or password-reset routes?');
  });

  it('adds nothing to a resolution or to the test alert', () => {
    expect(renderConsole(sampleNotification({ kind: 'resolved' }))).not.toContain('First checks');
    expect(renderConsole(testAlertNotification(Date.UTC(2026, 0, 1)))).not.toContain('First checks');
    expect(JSON.stringify(renderSlack(sampleNotification({ kind: 'resolved' })))).not.toContain('First checks');
  });
});
