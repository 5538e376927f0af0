// The acceptance bar of issue #4, asserted per seed: every attack caught, median time to detect
// within 3 buckets, at most one false alert per simulated day. Prints the table.

import { expect, it } from 'vitest';
import { median, renderScenarioTable, runScenario, type ScenarioResult } from './scenario-harness';

const SCENARIO_TIMEOUT_MS = 240_000;

export function describeScenarioSeed(seed: number): void {
  let result: ScenarioResult | undefined;
  const run = (): ScenarioResult => {
    if (result === undefined) {
      result = runScenario(seed);
      process.stdout.write(`\n${renderScenarioTable(result)}\n`);
    }
    return result;
  };

  it(`detects every injected attack at default settings (seed ${seed})`, () => {
    const missed = run().outcomes.filter((o) => !o.detected).map((o) => o.attack.kind);
    expect(missed).toEqual([]);
  }, SCENARIO_TIMEOUT_MS);

  it(`detects within 3 buckets of the attack start at the median (seed ${seed})`, () => {
    const buckets = run().outcomes.flatMap((o) => (o.bucketsToDetect === undefined ? [] : [o.bucketsToDetect]));
    expect(median(buckets)).toBeLessThanOrEqual(3);
  }, SCENARIO_TIMEOUT_MS);

  it(`raises at most one false alert per simulated day of normal traffic (seed ${seed})`, () => {
    const r = run();
    expect(r.falseAlertsNormalDay).toBeLessThanOrEqual(1);
    expect(r.falseAlerts.length / r.simulatedDays).toBeLessThanOrEqual(1);
  }, SCENARIO_TIMEOUT_MS);
}
