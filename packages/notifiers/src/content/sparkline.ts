// A text sparkline of the recent bucket values, readable in any medium that shows Unicode.

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
const MAX_POINTS = 60;

/** Maps each value onto eight bar heights between the series' minimum and maximum; non-finite values show as a space. */
export function sparkline(values: readonly number[]): string {
  const points = values.slice(-MAX_POINTS);
  const finite = points.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return '';
  const min = Math.min(...finite);
  const range = Math.max(...finite) - min;
  return points
    .map((value) => {
      if (!Number.isFinite(value)) return ' ';
      const level = range === 0 ? 0 : Math.round(((value - min) / range) * (BARS.length - 1));
      return BARS[level];
    })
    .join('');
}
