// The silences this instance knows: static ones from the environment plus those of the compacted
// silences.v1 topic (restored at start and followed by a consumer, so every instance agrees).
// Expired silences are forgotten whenever the store is used, so creating silences for months
// leaves only the live ones in memory.

import type { Anomaly } from '@vigil/contract';
import { isActive, silenceMatches, type Silence } from './silence';

export class SilenceStore {
  private readonly silences = new Map<string, Silence>();

  constructor(staticSilences: readonly Silence[] = []) {
    for (const silence of staticSilences) this.silences.set(silence.id, silence);
  }

  put(silence: Silence, now: number): void {
    this.forgetExpired(now);
    this.silences.set(silence.id, silence);
  }

  remove(id: string): boolean {
    return this.silences.delete(id);
  }

  get(id: string): Silence | undefined {
    return this.silences.get(id);
  }

  /** Silences known, expired ones not yet forgotten included. */
  get size(): number {
    return this.silences.size;
  }

  active(now: number): Silence[] {
    this.forgetExpired(now);
    return [...this.silences.values()].filter((s) => isActive(s, now));
  }

  /** The first active silence that mutes this anomaly, if any. */
  mutedBy(anomaly: Anomaly, now: number): Silence | undefined {
    this.forgetExpired(now);
    for (const silence of this.silences.values()) if (silenceMatches(silence, anomaly, now)) return silence;
    return undefined;
  }

  /** Silences that will not start again; one not started yet stays. */
  private forgetExpired(now: number): void {
    for (const [id, silence] of this.silences) if (silence.endsAt !== null && silence.endsAt <= now) this.silences.delete(id);
  }
}
