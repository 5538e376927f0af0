// Test helper: an ApiAccessEvent whose path (and route) carries a text, so what a sink got can be read back.

import type { ApiAccessEvent } from '@vigil/contract';

export function eventCarrying(text: string): ApiAccessEvent {
  return {
    v: 1,
    time: 1,
    gateway: 'nginx',
    service: 's',
    client: { ip: '1.1.1.1', key: '1.1.1.1' },
    request: { method: 'GET', path: text, route: text },
    response: { status: 200, bytes: 1 },
  };
}
