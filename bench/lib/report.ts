// The readable table `pnpm bench` prints: one row per figure, with its same-run baseline ratio and
// the target the issue sets, so a miss is visible at a glance.

import type { Figure } from './harness';

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function formatTable(figures: readonly Figure[], results: Readonly<Record<string, number>>): string {
  const header = ['figure', 'value', 'unit', 'vs same-run baseline', 'target', ''];
  const rows = figures.map((f) => {
    const ratio = f.baseline === undefined ? undefined : results[f.baseline.ratioKey];
    return [
      f.key,
      formatNumber(f.value),
      f.unit,
      ratio === undefined || f.baseline === undefined ? '' : `${ratio.toFixed(2)}× ${f.baseline.key}`,
      f.target?.text ?? '',
      f.target === undefined ? '' : f.target.met ? 'met' : 'MISSED',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  const notes = figures.filter((f) => f.note !== undefined && f.note !== '').map((f) => `  ${f.key}: ${f.note}`);
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...(notes.length > 0 ? ['', 'notes:', ...notes] : [])].join('\n') + '\n';
}
