// Small top-k of keys by count (space-saving): evidence of which routes and clients drove a
// bucket. Plain [key, count] pairs: attacker-chosen keys never become object properties.

export type TopK = Array<[string, number]>;

const TOP_K_CAPACITY = 12;

export function addTopK(top: TopK, key: string, count = 1): void {
  let minIndex = -1;
  let minCount = Infinity;
  for (let i = 0; i < top.length; i++) {
    const entry = top[i] as [string, number];
    if (entry[0] === key) {
      entry[1] += count;
      return;
    }
    if (entry[1] < minCount) {
      minCount = entry[1];
      minIndex = i;
    }
  }
  if (top.length < TOP_K_CAPACITY) {
    top.push([key, count]);
    return;
  }
  // Space-saving: the newcomer replaces the smallest and inherits its count as an upper bound (in
  // place: a top-k owns its pairs, see mergeTopK).
  const smallest = top[minIndex] as [string, number];
  smallest[0] = key;
  smallest[1] = minCount + count;
}

/** addTopK for a list that may be replaced: the first key goes into an exact-size list (most per-entity buckets hold one). */
export function withTopK(top: TopK, key: string): TopK {
  if (top.length === 0) return [[key, 1]];
  addTopK(top, key);
  return top;
}

export function mergeTopK(a: TopK, b: TopK): TopK {
  const out: TopK = a.map(([k, c]) => [k, c]);
  for (const [key, count] of b) addTopK(out, key, count);
  return out;
}

export function topEntries(top: TopK, n: number): Array<{ key: string; count: number }> {
  return [...top]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, n)
    .map(([key, count]) => ({ key, count }));
}
