// A framed syslog message → the access-log line it carries, as an item.

import type { Frame } from '../../framing/line-splitter';
import { itemFromFrame, type IngestItem } from '../../transforms/ingest-item';
import { parseSyslogMessage } from './syslog-message';

export function syslogItem(frame: Frame): IngestItem | undefined {
  const item = itemFromFrame(frame);
  if (item?.kind !== 'line') return item;
  const { message } = parseSyslogMessage(item.text);
  return message.trim() === '' ? undefined : { kind: 'line', text: message };
}
