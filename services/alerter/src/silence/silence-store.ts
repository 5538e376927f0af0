// The silences this instance knows: static ones from the environment plus those of the compacted
// silences.v1 topic (restored at start and followed by a consumer, so every instance agrees).

import type { Anomaly } from '@vigil/contract';
import { isActive, silenceMatches, type Silence } from './silence';

export class SilenceStore {
  private readonly silences = new Map<string, Silence>();

  constructor(staticSilences: readonly Silence[] = []) {
    for (const silence of staticSilences) this.silences.set(silence.id, silence);
  }

  put(silence: Silence): void {
    this.silences.set(silence.id, silence);
  }

  remove(id: string): boolean {
    return this.silences.delete(id);
  }

  get(id: string): Silence | undefined {
    return this.silences.get(id);
  }

  active(now: number): Silence[] {
    return [...this.silences.values()].filter((s) => isActive(s, now));
  }

  /** The first active silence that mutes this anomaly, if any. */
  mutedBy(anomaly: Anomaly, now: number): Silence | undefined {
    for (const silence of this.silences.values()) if (silenceMatches(silence, anomaly, now)) return silence;
    return undefined;
  }
}
