// Keyed pseudonyms: the same input and key always give the same `ip-<16 hex>`, so per-client
// baselines still work, while the address cannot be recovered without the key.

import { createHash, createHmac } from 'node:crypto';

const CACHE_LIMIT = 8192;

export class Pseudonymizer {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly prefix: string,
    private readonly key: string | undefined,
  ) {}

  apply(value: string): string {
    const known = this.cache.get(value);
    if (known !== undefined) return known;
    const digest = this.key === undefined ? createHash('sha256').update(value) : createHmac('sha256', this.key).update(value);
    const pseudonym = this.prefix + digest.digest('hex').slice(0, 16);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(value, pseudonym);
    return pseudonym;
  }
}
