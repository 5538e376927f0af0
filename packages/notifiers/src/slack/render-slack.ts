// Renders a notification as a Slack message: Block Kit blocks inside an attachment coloured by
// severity. Pure. Every string that reaches mrkdwn is escaped, so `<!channel>`, `<@U123>` and
// `<https://evil|click>` arrive as inert text instead of pinging people or hiding links.
import type { AlertTone, AlertView } from '../content/alert-view';
import { TONE_COLOURS, buildAlertView } from '../content/alert-view';
import { escapeControlChars, truncate } from '../content/plain-text';
import type { Notification } from '../notification';

export interface SlackMessage {
  text: string;
  attachments: [{ color: string; fallback: string; blocks: SlackBlock[] }];
}

type SlackText = { type: 'mrkdwn' | 'plain_text'; text: string };
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text: SlackText; fields?: SlackText[] }
  | { type: 'section'; fields: SlackText[] }
  | { type: 'context'; elements: SlackText[] };

const TONE_EMOJI: Record<AlertTone, string> = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_blue_circle:',
  resolved: ':white_check_mark:',
};

// Slack caps a section's text at 3000 characters and a header at 150; keys are cut well below so
// that even fully escaped (`&amp;` is five characters) a block stays inside its limit.
const SECTION_MAX = 2900;
const HEADER_MAX = 150;
const KEY_MAX = 100;
const SENTENCE_MAX = 400;

/** Escapes the three characters Slack gives meaning to in mrkdwn and makes control characters visible. */
export function escapeMrkdwn(text: string): string {
  return escapeControlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An inline code span around untrusted text: formatting and auto-links do not apply inside it.
 * Slack has no escape for a backtick, so one is shown as a look-alike that cannot close the span.
 */
export function codeSpan(text: string): string {
  const inert = escapeMrkdwn(truncate(text, KEY_MAX)).replace(/`/g, 'ˋ');
  return `\`${inert.length === 0 ? ' ' : inert}\``;
}

/** Plain mrkdwn prose: escaped, and a stray backtick cannot open a code span that swallows the rest. */
function prose(text: string): string {
  return escapeMrkdwn(text).replace(/`/g, 'ˋ');
}

function mrkdwn(text: string): SlackText {
  return { type: 'mrkdwn', text };
}

/** Joins whole lines up to the section limit, so a cut never splits an escape or a code span. */
function fitLines(heading: string, lines: readonly string[], total = lines.length): string {
  const kept: string[] = [];
  let length = heading.length;
  for (const line of lines) {
    if (length + line.length + 40 > SECTION_MAX) break;
    kept.push(line);
    length += line.length + 1;
  }
  const more = total - kept.length;
  return [heading, ...kept, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n');
}

function rankedSection(heading: string, keys: AlertView['topClients']): SlackBlock[] {
  if (keys.length === 0) return [];
  const lines = keys.map(({ key, count }) => `• ${codeSpan(key)} ${count}`);
  return [{ type: 'section', text: mrkdwn(fitLines(`*${heading}*`, lines)) }];
}

function suppressedSection(view: AlertView): SlackBlock[] {
  if (view.kind !== 'summary') return [];
  const lines = view.suppressed.map(
    (line) => `• ${line.severity.toUpperCase()} ${codeSpan(line.detector)} on ${codeSpan(line.entity)} score ${line.score}`,
  );
  return [{ type: 'section', text: mrkdwn(fitLines('*Alerts in this summary*', lines, view.suppressedTotal)) }];
}

function blocksFor(view: AlertView): SlackBlock[] {
  const header = `${view.label} · ${view.detector}`;
  return [
    { type: 'header', text: { type: 'plain_text', text: truncate(escapeControlChars(header), HEADER_MAX) } },
    { type: 'section', text: mrkdwn(`${prose(truncate(view.sentence, SENTENCE_MAX))}\n*Entity* ${view.entityKind} ${codeSpan(view.entityKey)}`) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Observed*\n${view.observed} ${codeSpan(view.signal)}`),
        mrkdwn(`*Expected*\n${view.expected}`),
        mrkdwn(`*Score*\n${view.score}`),
        mrkdwn(`*Window*\n${view.windowStart}\n${view.windowEnd}`),
      ],
    },
    ...(view.sparkline.length > 0 ? [{ type: 'section', text: mrkdwn(`*Recent* \`${view.sparkline}\``) } as const] : []),
    ...rankedSection('Top clients', view.topClients),
    ...rankedSection('Top routes', view.topRoutes),
    ...suppressedSection(view),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `Anomaly ${codeSpan(view.anomalyId)} · detector ${codeSpan(view.detector)} · ` +
            `${view.entityKind} ${codeSpan(view.entityKey)} · ${view.groupSize} in group · since ${view.startedAt}`,
        ),
      ],
    },
  ];
}

export function renderSlack(notification: Notification): SlackMessage {
  const view = buildAlertView(notification);
  const headline = `${TONE_EMOJI[view.tone]} [Vigil ${view.label}] ${prose(view.title)}`;
  return {
    text: headline,
    attachments: [{ color: TONE_COLOURS[view.tone], fallback: headline, blocks: blocksFor(view) }],
  };
}
