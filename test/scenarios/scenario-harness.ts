// Runs the traffic simulator through a DetectionEngine at default settings along an event-time
// timeline — a full day of normal traffic, then a day with one attack every hour — and attributes
// every alert either to the attack it caught or to the false-alert count.

import type { Anomaly } from '@vigil/contract';
import { DEFAULT_DETECTION_CONFIG, DetectionEngine, simulateTraffic, type Attack, type AttackKind, type DetectionConfig, type DetectorName } from '@vigil/detection';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;
const SIMULATION_START = Date.UTC(2024, 2, 4);
/** Requests per second of normal traffic: scaled down from production so the suite stays fast. */
const REQUESTS_PER_SECOND = 7;
/** Alerts up to this long after an attack ends still belong to it (resolution, lingering effects). */
const ATTRIBUTION_GRACE_MS = 5 * MINUTE;

/** The detectors that count as catching each attack. */
const EXPECTED_DETECTORS: Record<AttackKind, readonly DetectorName[]> = {
  'brute-force': ['auth-failure-surge'],
  'credential-stuffing': ['auth-failure-surge'],
  enumeration: ['enumeration'],
  'route-flood': ['traffic-spike'],
  outage: ['error-surge'],
  'latency-degradation': ['latency-spike'],
  'egress-spike': ['egress-spike'],
  'slow-ramp': ['slow-ramp'],
  'traffic-drop': ['traffic-drop'],
};

/**
 * Day two, one attack an hour from 08:00 (the drop and latency ones while traffic is up), each
 * shifted by a seed-dependent number of minutes and seconds so attacks rarely start on a bucket
 * boundary.
 */
function attackTimeline(seed: number): Attack[] {
  const day2 = SIMULATION_START + DAY;
  const order: AttackKind[] = [
    'brute-force',
    'credential-stuffing',
    'enumeration',
    'route-flood',
    'outage',
    'latency-degradation',
    'egress-spike',
    'traffic-drop',
    'slow-ramp',
  ];
  return order.map((kind, i) => ({
    kind,
    start: day2 + (8 + i) * HOUR + ((seed * 7 + i * 13) % 30) * MINUTE + ((seed * 3 + i * 7) % 10) * 1000,
    durationMs: kind === 'slow-ramp' ? 50 * MINUTE : 10 * MINUTE,
  }));
}

export interface AttackOutcome {
  attack: Attack;
  detected: boolean;
  detector?: string;
  entity?: string;
  /** Buckets from the attack's start to the end of the first bucket that caught it. */
  bucketsToDetect?: number;
  /** Other alerts raised during the attack (its side effects). */
  collateral: number;
}

export interface ScenarioResult {
  seed: number;
  events: number;
  simulatedDays: number;
  outcomes: AttackOutcome[];
  falseAlerts: Anomaly[];
  /** False alerts during the first day, which has no attacks at all. */
  falseAlertsNormalDay: number;
}

export function runScenario(seed: number, config: DetectionConfig = DEFAULT_DETECTION_CONFIG): ScenarioResult {
  const attacks = attackTimeline(seed);
  const durationMs = DAY + 18 * HOUR;
  const engine = new DetectionEngine(config);
  const bucketMs = config.bucketSeconds * 1000;
  const firing: Anomaly[] = [];
  let events = 0;
  let lastBucket = -Infinity;
  let maxTime = -Infinity;
  const collect = (anomalies: Anomaly[]) => {
    for (const a of anomalies) if (a.state === 'firing') firing.push(a);
  };
  for (const event of simulateTraffic({
    seed,
    start: SIMULATION_START,
    durationMs,
    requestsPerSecond: REQUESTS_PER_SECOND,
    attacks,
    newClientAt: SIMULATION_START + 6 * HOUR,
  })) {
    engine.observe(event);
    events++;
    maxTime = Math.max(maxTime, event.time);
    const bucket = Math.floor(event.time / bucketMs);
    if (bucket !== lastBucket) {
      lastBucket = bucket;
      collect(engine.advanceTo(maxTime - 2000));
    }
  }
  collect(engine.advanceTo(Math.floor(maxTime / bucketMs) * bucketMs));

  const attributed = new Set<Anomaly>();
  const outcomes = attacks.map((attack): AttackOutcome => {
    const during = firing.filter((a) => a.window.end > attack.start && a.window.start < attack.start + attack.durationMs + ATTRIBUTION_GRACE_MS);
    during.forEach((a) => attributed.add(a));
    const caught = during.filter((a) => EXPECTED_DETECTORS[attack.kind].includes(a.detector as DetectorName)).sort((x, y) => x.window.start - y.window.start)[0];
    if (caught === undefined) return { attack, detected: false, collateral: during.length };
    return {
      attack,
      detected: true,
      detector: caught.detector,
      entity: `${caught.entity.kind} ${caught.entity.key}`,
      bucketsToDetect: Math.ceil((caught.window.end - attack.start) / bucketMs),
      collateral: during.length - 1,
    };
  });
  const falseAlerts = firing.filter((a) => !attributed.has(a));
  return {
    seed,
    events,
    simulatedDays: durationMs / DAY,
    outcomes,
    falseAlerts,
    falseAlertsNormalDay: falseAlerts.filter((a) => a.window.start < SIMULATION_START + DAY).length,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The table the suite prints. */
export function renderScenarioTable(result: ScenarioResult): string {
  const lines = [
    `seed ${result.seed}: ${result.events} events over ${result.simulatedDays.toFixed(2)} simulated days`,
    'attack               | detected | detector            | entity                              | buckets to detect | side alerts',
    '---------------------|----------|---------------------|-------------------------------------|-------------------|------------',
  ];
  for (const o of result.outcomes) {
    lines.push(
      [
        o.attack.kind.padEnd(20),
        (o.detected ? 'yes' : 'NO').padEnd(8),
        (o.detector ?? '-').padEnd(19),
        (o.entity ?? '-').slice(0, 35).padEnd(35),
        String(o.bucketsToDetect ?? '-').padEnd(17),
        String(o.collateral),
      ].join(' | '),
    );
  }
  const ttd = result.outcomes.flatMap((o) => (o.bucketsToDetect === undefined ? [] : [o.bucketsToDetect]));
  lines.push(
    `median buckets to detect: ${ttd.length > 0 ? median(ttd) : '-'}; false alerts: ${result.falseAlerts.length} ` +
      `(${(result.falseAlerts.length / result.simulatedDays).toFixed(2)}/day; ${result.falseAlertsNormalDay} on the attack-free day)`,
  );
  for (const a of result.falseAlerts) lines.push(`  false: ${new Date(a.window.start).toISOString()} ${a.detector} ${a.summary}`);
  return lines.join('\n');
}
