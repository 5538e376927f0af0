import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEvents, ENCODING_EVENT_TABLE } from '@vigil/contract';
import { ROOT } from '../../tools/generated-docs';

describe('docs/events.md', () => {
  it('its json-table-v1 example is a record Vigil decodes, into the event it describes', () => {
    const markdown = readFileSync(`${ROOT}docs/events.md`, 'utf8');
    const example = /```json\n(\{"columns"[\s\S]*?)\n```/.exec(markdown)?.[1];
    expect(example).toBeDefined();
    const [event, ...rest] = decodeEvents(example ?? '', ENCODING_EVENT_TABLE);
    expect(rest).toHaveLength(0);
    expect(event?.client).toEqual({ ip: '203.0.113.9', key: '203.0.113.9', userAgent: 'curl/8.5.0' });
    expect(event?.request).toEqual({ method: 'GET', path: '/v1/users/123', route: '/v1/users/{id}', objectId: '123' });
    expect(event?.response).toEqual({ status: 200, bytes: 512, latencyMs: 12.5 });
  });
});
