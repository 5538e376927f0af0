import { readFileSync } from 'node:fs';
import { detectorSchema } from '@vigil/config';
import { describe, expect, it } from 'vitest';
import { DETECTOR_NAMES } from './config';

const doc = readFileSync(new URL('../../../docs/detection.md', import.meta.url), 'utf8');

describe('docs/detection.md', () => {
  it('mentions every detector and every knob of detectorSchema', () => {
    for (const name of DETECTOR_NAMES) expect(doc).toContain(`\`${name}\``);
    for (const field of Object.values(detectorSchema)) {
      const perDetector = /^VIGIL_([A-Z_]+)_(ENABLED|THRESHOLD|MIN_COUNT|MIN_RATIO|COOLDOWN_SECONDS|FOR_SECONDS|KEEP_FIRING_SECONDS)$/.exec(field.env);
      const documented = doc.includes(field.env) || (perDetector !== null && doc.includes(`\`${perDetector[1]}\``));
      expect(documented, field.env).toBe(true);
    }
  });
});
