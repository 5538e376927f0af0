// Detection scenario suite, seed 3: a day of normal traffic, then a day with nine attacks.

import { describe } from 'vitest';
import { describeScenarioSeed } from './scenario-assertions';

describe('detection scenarios at default settings', () => {
  describeScenarioSeed(3);
});
