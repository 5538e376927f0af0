// `vigil test-alert`: sends one sample alert through every configured channel, once each (no
// retries, so a broken channel shows at once), and reports each outcome. Exit 1 if any failed or
// if no channel is configured.

import { alerterSchema, loadConfig } from '@vigil/config';
import { VigilError } from '@vigil/contract';
import { createNotifiers } from '@vigil/alerter';
import { testAlertNotification } from '@vigil/notifiers';
import type { CommandIo } from '../io';

export const HELP = `usage: vigil test-alert

Sends one sample alert through every configured channel (Slack, email, webhook, Alertmanager,
console), once each and without retries, and reports each outcome. Exit 1 when any channel failed
or none is configured. Channels come from the alerter's VIGIL_* variables (see vigil config).
`;

export async function run(args: string[], io: CommandIo): Promise<number> {
  if (args.length > 0) throw new VigilError('VIGIL_CLI_USAGE', `usage: vigil test-alert (got "${args.join(' ')}")`);
  const config = loadConfig(alerterSchema, io.env);
  const notifiers = createNotifiers(config, { consoleStream: io.stdout, embedded: false });
  if (notifiers.size === 0) {
    io.stderr.write(
      'vigil test-alert: no channel is configured; set VIGIL_SLACK_WEBHOOK_URL, VIGIL_SMTP_URL (+ VIGIL_EMAIL_TO), VIGIL_WEBHOOK_URL, VIGIL_ALERTMANAGER_URL or VIGIL_CONSOLE_ALERTS=on\n',
    );
    return 1;
  }
  const notification = testAlertNotification(Date.now());
  const outcomes = await Promise.all(
    [...notifiers.values()].map(async (notifier) => {
      const started = Date.now();
      const result = await notifier.send(notification).catch((error: unknown) => ({
        ok: false as const,
        retryable: true,
        reason: `notifier threw: ${(error as Error).message}`,
      }));
      await notifier.close?.();
      return { channel: notifier.channel, result, ms: Date.now() - started };
    }),
  );
  for (const { channel, result, ms } of outcomes) {
    const warning = result.ok && result.warning !== undefined ? `; WARNING: ${result.warning}` : '';
    const line = result.ok ? `${channel}: delivered (${ms} ms)${warning}` : `${channel}: FAILED (${result.reason})`;
    (result.ok ? io.stdout : io.stderr).write(`${line}\n`);
  }
  const failed = outcomes.filter((o) => !o.result.ok).length;
  io.stdout.write(`${outcomes.length - failed} of ${outcomes.length} channels delivered the test alert.\n`);
  return failed === 0 ? 0 : 1;
}
