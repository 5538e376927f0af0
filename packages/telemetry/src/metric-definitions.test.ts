import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRIC_DEFINITIONS, PIPELINE_METRICS } from './metric-definitions';

const METRICS_DOC = new URL('../../../docs/metrics.md', import.meta.url);

/** The rows of the "Defined metrics" table: name, type and labels. */
function documentedMetrics(): { name: string; kind: string; labels: string[] }[] {
  return readFileSync(METRICS_DOC, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [name = '', kind = '', labels = ''] = line.split('|').slice(1).map((cell) => cell.trim());
      return {
        name: name.replaceAll('`', ''),
        kind,
        labels: [...labels.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ''),
      };
    });
}

describe('docs/metrics.md', () => {
  it('lists every defined metric with its type and labels, and nothing else', () => {
    const defined = METRIC_DEFINITIONS.map(({ name, kind, labels }) => ({ name, kind, labels: [...labels] }));
    expect(documentedMetrics()).toEqual(defined);
  });

  it('covers every pipeline metric', () => {
    const names = documentedMetrics().map((metric) => metric.name);
    for (const definition of Object.values(PIPELINE_METRICS)) expect(names).toContain(definition.name);
  });
});

describe('metric definitions', () => {
  it('use valid Prometheus names with the vigil_ prefix and _total on counters', () => {
    for (const definition of METRIC_DEFINITIONS) {
      expect(definition.name).toMatch(/^vigil_[a-z0-9_]+$/);
      if (definition.kind === 'counter') expect(definition.name).toMatch(/_total$/);
    }
  });
});
