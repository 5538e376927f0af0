// Renders a notification as a Slack message: Block Kit blocks inside an attachment coloured by
// severity. Pure. Untrusted text (keys, paths, user agents, summaries) reaches mrkdwn only escaped
// and inside inline code spans, where Slack applies no formatting, links nothing and expands no
// mention; text objects are `verbatim` so Slack does no auto-linking of its own either.
import type { AlertTone, AlertView } from '../content/alert-view';
import { TONE_COLOURS, alertTitle, buildAlertView } from '../content/alert-view';
import { escapeControlChars, truncate } from '../content/plain-text';
import type { Notification } from '../notification';

export interface SlackMessage {
  text: string;
  attachments: [{ color: string; fallback: string; blocks: SlackBlock[] }];
}

type SlackText = { type: 'mrkdwn'; text: string; verbatim: true } | { type: 'plain_text'; text: string };
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
 * An inline code span around untrusted text: formatting, auto-links and mentions do not apply
 * inside it. Slack has no escape for a backtick, so one is shown as a look-alike that cannot close
 * the span.
 */
function inlineCode(text: string): string {
  const inert = escapeMrkdwn(text).replace(/`/g, 'ˋ');
  return `\`${inert.length === 0 ? ' ' : inert}\``;
}

/** An untrusted key in a code span, cut to the length every block was sized for. */
export function codeSpan(text: string): string {
  return inlineCode(truncate(text, KEY_MAX));
}

// A word mrkdwn cannot act on: letters (with inner hyphens or apostrophes) or a number, maybe in
// parentheses, maybe followed by one punctuation mark. No `*_~`, no `@`, `#` or `:name:`, no dot
// between letters (a domain Slack would link), no slash (a path or URL).
const INERT_WORD = /^\(?(?:[A-Za-z]+(?:['-][A-Za-z]+)*|\d+(?:,\d{3})*(?:\.\d+)?[%×]?)\)?[.,;:!?]?$/;

// Punctuation that ends a sentence or clause: it stays after a code span, as prose, rather than
// being shown as part of a key (`1.2.3.4`: rather than `1.2.3.4:`).
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;

/**
 * A word and the punctuation that ends it; a word that is all punctuation keeps it. A closing
 * parenthesis whose opening one is in an earlier word ends the word too: `(unnamed: set X):`
 * quotes `X`, not `X)`.
 */
function splitTrailingPunctuation(word: string): [core: string, punctuation: string] {
  const match = TRAILING_PUNCTUATION.exec(word);
  let end = match === null || match.index === 0 ? word.length : match.index;
  if (end > 1 && word[end - 1] === ')' && !word.slice(0, end).includes('(')) end -= 1;
  return [word.slice(0, end), word.slice(end)];
}

/**
 * Untrusted prose, such as an anomaly's summary, kept readable and made inert: plain words stay as
 * they are, each of the alert's own keys found between spaces goes whole into a code span, and any
 * other run of words that is not plain goes into one code span too. The punctuation that ends a
 * key or run stays after its span. Spans always have a space or the start of the text before them
 * and a space, that punctuation or the end of the text after, which Slack needs to see them as code.
 */
export function inertProse(text: string, keys: readonly string[]): string {
  const keyWords = [...new Set(keys)].filter((key) => key.trim() !== '').map((key) => key.split(' ')).sort((a, b) => b.length - a.length);
  const words = text.split(' ');
  const out: string[] = [];
  let run: string[] = [];
  const closeRun = (punctuation = '') => {
    if (run.length > 0) out.push(inlineCode(run.join(' ')) + punctuation);
    run = [];
  };
  /** Words of a key starting at `i`, the last one maybe followed by punctuation; that punctuation. */
  const keyAt = (i: number): [key: string[], punctuation: string] | undefined => {
    for (const candidate of keyWords) {
      const last = candidate.length - 1;
      if (!candidate.slice(0, last).every((word, j) => words[i + j] === word)) continue;
      const lastWord = words[i + last];
      if (lastWord === candidate[last]) return [candidate, ''];
      const [core, punctuation] = splitTrailingPunctuation(lastWord ?? '');
      if (punctuation !== '' && core === candidate[last]) return [candidate, punctuation];
    }
    return undefined;
  };
  for (let i = 0; i < words.length; ) {
    const key = keyAt(i);
    if (key !== undefined) {
      closeRun();
      out.push(inlineCode(key[0].join(' ')) + key[1]);
      i += key[0].length;
      continue;
    }
    const word = words[i] as string;
    i += 1;
    if (word === '' || INERT_WORD.test(word)) {
      closeRun();
      out.push(word);
      continue;
    }
    const [core, punctuation] = splitTrailingPunctuation(word);
    run.push(core);
    if (punctuation !== '') closeRun(punctuation);
  }
  closeRun();
  return out.join(' ');
}

function mrkdwn(text: string): SlackText {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** The alert's untrusted keys, to be recognised whole inside its summary sentence. */
function viewKeys(view: AlertView): string[] {
  return [view.entityKey, ...(view.service === undefined ? [] : [view.service]), ...view.topClients.map(({ key }) => key), ...view.topRoutes.map(({ key }) => key)];
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

/** Request ids to look up in the gateway's own logs: what a person starts from (docs/operations.md). */
function sampleRequestsSection(view: AlertView): SlackBlock[] {
  if (view.sampleRequestIds.length === 0) return [];
  return [{ type: 'section', text: mrkdwn(fitLines('*Sample requests*', view.sampleRequestIds.map((id) => `• ${codeSpan(id)}`))) }];
}

/** The runbook's first checks: Vigil's own words, still made inert, as a metric name would read as italics. */
function firstChecksSection(view: AlertView): SlackBlock[] {
  return view.firstChecks === undefined ? [] : [{ type: 'section', text: mrkdwn(`*First checks*\n${inertProse(view.firstChecks, [])}`) }];
}

function suppressedSection(view: AlertView): SlackBlock[] {
  if (view.kind !== 'summary') return [];
  const lines = view.suppressed.map(
    (line) => `• ${line.severity.toUpperCase()} ${codeSpan(line.detector)} on ${codeSpan(line.entity)} score ${line.score}`,
  );
  return [{ type: 'section', text: mrkdwn(fitLines('*Alerts in this summary*', lines, view.suppressedTotal)) }];
}

function relatedSection(view: AlertView): SlackBlock[] {
  if (view.relatedTotal === 0) return [];
  const lines = view.related.map((line) => `• ${line.status.toUpperCase()} ${codeSpan(line.detector)} on ${codeSpan(line.entity)}`);
  return [{ type: 'section', text: mrkdwn(fitLines('*Also in this incident*', lines, view.relatedTotal)) }];
}

function blocksFor(view: AlertView): SlackBlock[] {
  const header = `${view.label} · ${view.detector}`;
  return [
    { type: 'header', text: { type: 'plain_text', text: truncate(escapeControlChars(header), HEADER_MAX) } },
    { type: 'section', text: mrkdwn(`${inertProse(truncate(view.sentence, SENTENCE_MAX), viewKeys(view))}\n*Entity* ${view.entityKind} ${codeSpan(view.entityKey)}`) },
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
    ...sampleRequestsSection(view),
    ...relatedSection(view),
    ...firstChecksSection(view),
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
  // Also the fallback: Slack shows both in notifications and clients without blocks.
  const headline = `${TONE_EMOJI[view.tone]} [Vigil ${view.label}] ${alertTitle(view, codeSpan)}`;
  return {
    text: headline,
    attachments: [{ color: TONE_COLOURS[view.tone], fallback: headline, blocks: blocksFor(view) }],
  };
}
