// Environment settings of the alerter service: grouping, routing, channels, silences, storm
// control and delivery retries (docs/alerting.md explains how they work together).

import type { Field } from '../field';
import { boolean, integer, list, oneOf, optional, string, url } from '../field';
import { DETECTOR_NAMES } from './detector';

/** Channels the alerter knows; a route lists some of them. */
const ALERT_CHANNELS = ['slack', 'email', 'webhook', 'alertmanager', 'console'] as const;

/** Anomaly fields a silence or VIGIL_GROUP_BY can name. */
const SILENCE_MATCHER_FIELDS = ['detector', 'entityKind', 'entityKey', 'route', 'service'] as const;
type SilenceMatcherField = (typeof SILENCE_MATCHER_FIELDS)[number];
type SilenceMatchers = Partial<Record<SilenceMatcherField, string>>;

/** A silence given by environment: matchers and an optional end (none: as long as the variable is set). */
interface StaticSilence {
  matchers: SilenceMatchers;
  endsAt?: number;
}

const GROUP_BY_FIELDS = ['detector', 'entityKind', 'entityKey', 'service', 'signal'] as const;

/** What alerts of different groups may share to be one incident (docs/alerting.md, Correlation). */
const CORRELATE_BY_FIELDS = ['client', 'route', 'service'] as const;

function channelProblem(value: string): string | undefined {
  return (ALERT_CHANNELS as readonly string[]).includes(value) ? undefined : `must be one of ${ALERT_CHANNELS.join(', ')}`;
}

function channelRoute(severity: string, fallback: string[], example: string): Field<string[]> {
  return list({
    env: `VIGIL_ROUTE_${severity.toUpperCase()}`,
    description: `Channels that receive ${severity} alerts (only configured channels are used; empty: none).`,
    example,
    default: fallback,
    item: channelProblem,
    allowEmpty: true,
  });
}

/**
 * An address as mail headers take it: `local@domain` or `Name <local@domain>`. Not RFC 5322 in
 * full, only enough to catch what would fail at the first send (a name without a domain, a
 * space or a second @), which an SMTP server reports only as EENVELOPE.
 */
const EMAIL_ADDRESS = /^(?:[^\s<>@,;"]+@[^\s<>@,;"]+|[^<>@,;"\r\n]*<[^\s<>@,;"]+@[^\s<>@,;"]+>)$/;

function emailAddressProblem(item: string): string | undefined {
  // No "(got ...)" here: the list names the item and loadConfig adds the whole value.
  return EMAIL_ADDRESS.test(item) ? undefined : 'must be an email address such as oncall@example.com or "On call <oncall@example.com>"';
}

/** "detector=channel+channel" items: per-detector routes that replace the severity route. */
function detectorRouteProblem(item: string): string | undefined {
  const m = /^([A-Za-z0-9._-]+)=([a-z+]+)$/.exec(item);
  if (!m) return 'must be detector=channel+channel, e.g. auth-failure-surge=slack+email';
  const detector = unknownDetectorProblem(m[1] ?? '');
  if (detector !== undefined) return detector;
  const bad = (m[2] ?? '').split('+').find((c) => channelProblem(c) !== undefined);
  return bad === undefined ? undefined : `names unknown channel "${bad}" (known: ${ALERT_CHANNELS.join(', ')})`;
}

/** What anomalies name as their detector: the detectors, and `vigil test-alert`'s sample. */
const ROUTABLE_DETECTORS: readonly string[] = [...DETECTOR_NAMES, 'test-alert'];

/** A route or silence naming a detector that does not exist would never match: say so at start-up. */
function unknownDetectorProblem(name: string): string | undefined {
  if (name.includes('*') || ROUTABLE_DETECTORS.includes(name)) return undefined;
  return `names unknown detector "${name}" (known: ${ROUTABLE_DETECTORS.join(', ')})`;
}

/** Parses "field=value,field=value[,until=ISO-time]" silences separated by ";". */
function parseStaticSilences(raw: string): { ok: true; value: StaticSilence[] } | { ok: false; problem: string } {
  const silences: StaticSilence[] = [];
  for (const part of raw.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
    const silence: StaticSilence = { matchers: {} };
    for (const pair of part.split(',').map((s) => s.trim())) {
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1).trim();
      if (eq <= 0 || value === '') return { ok: false, problem: `item "${pair}" must be field=value` };
      if (name === 'until') {
        const endsAt = Date.parse(value);
        if (Number.isNaN(endsAt)) return { ok: false, problem: `until "${value}" must be an ISO time` };
        silence.endsAt = endsAt;
      } else if ((SILENCE_MATCHER_FIELDS as readonly string[]).includes(name)) {
        const unknown = name === 'detector' ? unknownDetectorProblem(value) : undefined;
        if (unknown !== undefined) return { ok: false, problem: `silence "${part}" ${unknown}` };
        silence.matchers[name as SilenceMatcherField] = value;
      } else {
        return { ok: false, problem: `field "${name}" must be one of ${[...SILENCE_MATCHER_FIELDS, 'until'].join(', ')}` };
      }
    }
    if (Object.keys(silence.matchers).length === 0) return { ok: false, problem: `silence "${part}" needs at least one matcher` };
    silences.push(silence);
  }
  return { ok: true, value: silences };
}

const staticSilencesBase = string({
  env: 'VIGIL_SILENCES',
  description:
    'Static silences, ";"-separated; each is field=value pairs (detector, entityKind, entityKey, route, service; "*" matches any text) and an optional until=ISO time.',
  example: 'detector=latency-spike,service=batch-jobs;entityKey=10.0.0.*,until=2030-01-01T00:00:00Z',
});

const staticSilences: Field<StaticSilence[]> = {
  ...staticSilencesBase,
  type: 'silence list',
  default: [],
  parse: parseStaticSilences,
};

const seconds = (env: string, description: string, fallback: number, example: string) =>
  integer({ env, description, example, default: fallback, min: 0, max: 7 * 24 * 3600 });

export const alerterSchema = {
  groupBy: list({
    env: 'VIGIL_GROUP_BY',
    description: `Anomaly fields whose values form one alert group (one incident, one message thread): ${GROUP_BY_FIELDS.join(', ')}.`,
    example: 'detector,service',
    default: ['detector', 'entityKind', 'entityKey'],
    item: (v) => ((GROUP_BY_FIELDS as readonly string[]).includes(v) ? undefined : `must be one of ${GROUP_BY_FIELDS.join(', ')}`),
  }),
  groupWaitSeconds: seconds(
    'VIGIL_GROUP_WAIT_SECONDS',
    'After the first notification of an alert (sent at once), how long later changes are collected before one update goes out.',
    10,
    '30',
  ),
  groupIntervalSeconds: seconds(
    'VIGIL_GROUP_INTERVAL_SECONDS',
    'Minimum time between two notifications of the same alert group (updates and resolution).',
    60,
    '300',
  ),
  repeatIntervalSeconds: integer({
    env: 'VIGIL_REPEAT_INTERVAL_SECONDS',
    description: 'A still-firing alert is notified again after this long without any other notification (0 would repeat it at every tick).',
    example: '3600',
    default: 4 * 3600,
    min: 1,
    max: 7 * 24 * 3600,
  }),
  correlateBy: list({
    env: 'VIGIL_CORRELATE_BY',
    description: `What alerts of different groups must share to be announced as one incident: ${CORRELATE_BY_FIELDS.join(', ')} (the entity, or the client or route standing out in its evidence; routes and services only between alerts of the same detector). A new alert that shares one with an open incident is a follow-up update of it, not a new page. none: every group is its own incident.`,
    example: 'client,route',
    default: [...CORRELATE_BY_FIELDS],
    item: (v) => (v === 'none' || (CORRELATE_BY_FIELDS as readonly string[]).includes(v) ? undefined : `must be one of ${CORRELATE_BY_FIELDS.join(', ')}, or none`),
  }),
  correlateWindowSeconds: integer({
    env: 'VIGIL_CORRELATE_WINDOW_SECONDS',
    description:
      'An open incident takes in related alerts only this long (event time) after it started; later ones open an incident of their own, so an incident cannot keep growing for ever.',
    example: '1800',
    default: 3600,
    min: 1,
    max: 7 * 24 * 3600,
  }),
  routeCritical: channelRoute('critical', ['slack', 'email', 'webhook', 'alertmanager'], 'slack,email'),
  routeWarning: channelRoute('warning', ['slack', 'webhook', 'alertmanager'], 'slack'),
  routeInfo: channelRoute('info', ['webhook', 'alertmanager'], 'webhook'),
  detectorRoutes: list({
    env: 'VIGIL_ROUTE_DETECTORS',
    description: 'Per-detector routes, detector=channel+channel items, replacing the severity route for that detector.',
    example: 'auth-failure-surge=slack+email,latency-spike=webhook',
    default: [],
    item: detectorRouteProblem,
    allowEmpty: true,
  }),
  consoleAlerts: oneOf({
    env: 'VIGIL_CONSOLE_ALERTS',
    description: 'Print every alert to stdout: auto is on in the embedded mode (no KAFKA_BROKERS) and off otherwise.',
    example: 'off',
    default: 'auto',
    values: ['auto', 'on', 'off'] as const,
  }),
  slackWebhookUrl: optional(
    url({
      env: 'VIGIL_SLACK_WEBHOOK_URL',
      description: 'Slack incoming-webhook URL. Unset: no Slack channel.',
      example: 'https://hooks.slack.com/services/T000/B000/XXXX',
      protocols: ['https', 'http'],
      secret: true,
    }),
  ),
  smtpUrl: optional(
    url({
      env: 'VIGIL_SMTP_URL',
      description:
        'SMTP server and login: smtps:// is TLS from the start; smtp:// with a login must upgrade with STARTTLS before the login is sent (delivery fails otherwise), smtp:// without one upgrades when offered. Unset: no email channel.',
      example: 'smtps://alerts%40example.com:app-password@smtp.example.com:465',
      protocols: ['smtp', 'smtps'],
      secret: true,
      requires: 'VIGIL_EMAIL_TO',
    }),
  ),
  smtpAllowPlaintextAuth: boolean({
    env: 'VIGIL_SMTP_ALLOW_PLAINTEXT_AUTH',
    description:
      'Send the VIGIL_SMTP_URL login over smtp:// even when the server does not upgrade with STARTTLS. Risk: the password (and every alert) crosses the network in clear, for anyone on the path to read or for a fake server to collect; only for a trusted relay on this host or a network you control end to end.',
    example: 'on',
    default: false,
  }),
  emailFrom: string({
    env: 'VIGIL_EMAIL_FROM',
    description: 'Sender address of alert emails.',
    example: 'Vigil <vigil@example.com>',
    default: 'vigil@localhost',
    pattern: EMAIL_ADDRESS,
    patternProblem: 'must be an email address such as vigil@example.com or "Vigil <vigil@example.com>"',
  }),
  emailTo: list({
    env: 'VIGIL_EMAIL_TO',
    description: 'Recipients of alert emails (required with VIGIL_SMTP_URL).',
    example: 'oncall@example.com,security@example.com',
    default: [],
    allowEmpty: true,
    item: emailAddressProblem,
  }),
  webhookUrl: optional(
    url({
      env: 'VIGIL_WEBHOOK_URL',
      description:
        'Generic webhook receiving each notification as JSON. Unset: no webhook channel. A secret, as receivers often take their token in the path.',
      example: 'https://siem.example.com/hooks/vigil',
      protocols: ['https', 'http'],
      secret: true,
    }),
  ),
  webhookSecret: optional(
    string({
      env: 'VIGIL_WEBHOOK_SECRET',
      description: 'Key of the X-Vigil-Signature HMAC-SHA256 header on webhook posts.',
      example: 'whsec-5d1c...',
      secret: true,
    }),
  ),
  alertmanagerUrl: optional(
    url({
      env: 'VIGIL_ALERTMANAGER_URL',
      description: 'Prometheus Alertmanager base URL; alerts are posted to its /api/v2/alerts. Unset: no Alertmanager channel.',
      example: 'http://alertmanager:9093',
      protocols: ['https', 'http'],
    }),
  ),
  notifyTimeoutSeconds: integer({
    env: 'VIGIL_NOTIFY_TIMEOUT_SECONDS',
    description: 'How long one delivery attempt waits for a channel. In the embedded mode also how long a stop waits for notifications still queued or waiting for a retry.',
    example: '5',
    default: 10,
    min: 1,
    max: 300,
  }),
  staticSilences,
  stormMaxPerMinute: integer({
    env: 'VIGIL_STORM_MAX_PER_MINUTE',
    description: 'Per channel, past this many notifications in a minute the rest of a batch is folded into one summary message.',
    example: '20',
    default: 30,
    min: 1,
    max: 100000,
  }),
  notifyMaxAttempts: integer({
    env: 'VIGIL_NOTIFY_MAX_ATTEMPTS',
    description: 'Delivery attempts per notification and channel before it is parked on the dead-letter topic; the default retries for at least 3 minutes (at most about 6).',
    example: '8',
    default: 12,
    min: 1,
    max: 100,
  }),
  notifyBackoffBaseMs: integer({
    env: 'VIGIL_NOTIFY_BACKOFF_BASE_MS',
    description: 'First retry delay; each retry doubles it up to the maximum, and waits between half of it and all of it (jitter).',
    example: '500',
    default: 1000,
    min: 1,
    max: 600000,
  }),
  notifyBackoffMaxMs: integer({
    env: 'VIGIL_NOTIFY_BACKOFF_MAX_MS',
    description: 'Longest delay between two attempts, and cap on a channel\'s Retry-After.',
    example: '120000',
    default: 60000,
    min: 1,
    max: 3600000,
  }),
  consumerGroup: string({
    env: 'VIGIL_ALERTER_GROUP',
    description: 'Kafka consumer group of the alerter instances (they share anomalies.v1 partitions).',
    example: 'vigil-alerter-prod',
    default: 'vigil-alerter',
  }),
  silenceApiRatePerMinute: integer({
    env: 'VIGIL_SILENCE_API_RATE_PER_MINUTE',
    description: 'Requests per minute one client address may make to the silence API, at a steady pace, before getting 429 with Retry-After; at most a sixth of them (at least 5) at once.',
    example: '120',
    default: 60,
    min: 1,
    max: 100000,
  }),
};
