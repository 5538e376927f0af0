// For tests: items as the parser reads them, a span shown as the line item it stands for, so an
// expectation does not depend on whether a line was read in place or on its own.

import type { IngestItem } from './ingest-item';

export function asLineItems(items: readonly IngestItem[]): IngestItem[] {
  return items.map((item) => (item.kind === 'span' ? { kind: 'line', text: item.text.slice(item.start, item.end) } : item));
}
