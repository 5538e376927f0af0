// Every detector, one line each.

import type { Detector } from './detector';
import { authFailureSurgeDetector } from './auth-failure-surge';
import { egressSpikeDetector } from './egress-spike';
import { enumerationDetector } from './enumeration';
import { errorSurgeDetector } from './error-surge';
import { latencySpikeDetector } from './latency-spike';
import { rateLimitDetector } from './rate-limit';
import { slowRampDetector } from './slow-ramp';
import { trafficDropDetector } from './traffic-drop';
import { trafficSpikeDetector } from './traffic-spike';

export const DETECTORS: readonly Detector[] = [
  trafficSpikeDetector,
  trafficDropDetector,
  errorSurgeDetector,
  authFailureSurgeDetector,
  latencySpikeDetector,
  egressSpikeDetector,
  enumerationDetector,
  slowRampDetector,
  rateLimitDetector,
];
