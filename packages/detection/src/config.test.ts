import { isVigilError } from '@vigil/contract';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_CONFIG, detectionConfigFromEnv } from './config';

describe('detectionConfigFromEnv', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_DETECTION_CONFIG.bucketSeconds).toBe(10);
    expect(DEFAULT_DETECTION_CONFIG.allowedLatenessSeconds).toBe(60);
    expect(DEFAULT_DETECTION_CONFIG.detectors['rate-limit'].enabled).toBe(false);
    expect(DEFAULT_DETECTION_CONFIG.detectors['traffic-spike']).toEqual({ enabled: true, threshold: 0.8, minCount: 30, minRatio: 3, cooldownSeconds: 300, forSeconds: 0, keepFiringSeconds: 0 });
    expect(DEFAULT_DETECTION_CONFIG.detectors['error-surge'].forSeconds).toBe(30);
    expect(DEFAULT_DETECTION_CONFIG.detectors['latency-spike'].keepFiringSeconds).toBe(300);
    expect(DEFAULT_DETECTION_CONFIG.recurringBurstHours).toBe(3);
  });

  it('reads every detector knob from VIGIL_* variables', () => {
    const config = detectionConfigFromEnv({
      VIGIL_BUCKET_SECONDS: '30',
      VIGIL_ENUMERATION_ENABLED: 'off',
      VIGIL_ERROR_SURGE_MIN_RATIO: '0.25',
      VIGIL_RATE_LIMIT_PER_CLIENT: '500',
      VIGIL_LATENCY_SPIKE_KEEP_FIRING_SECONDS: '0',
      VIGIL_RECURRING_BURST_HOURS: '0',
    });
    expect(config.recurringBurstHours).toBe(0);
    expect(config.detectors['latency-spike'].keepFiringSeconds).toBe(0);
    expect(config.bucketSeconds).toBe(30);
    expect(config.detectors.enumeration.enabled).toBe(false);
    expect(config.detectors['error-surge'].minRatio).toBe(0.25);
    expect(config.detectors['rate-limit']).toMatchObject({ enabled: true, minCount: 500 });
  });

  it('rejects a bad VIGIL_RECURRING_BURST_HOURS naming it, with an example', () => {
    expect(() => detectionConfigFromEnv({ VIGIL_RECURRING_BURST_HOURS: 'hourly' })).toThrow(/VIGIL_RECURRING_BURST_HOURS must be a non-negative integer \(got "hourly"\)[\s\S]*VIGIL_RECURRING_BURST_HOURS=6/);
  });

  it('rejects bad values naming each variable', () => {
    try {
      detectionConfigFromEnv({ VIGIL_BUCKET_SECONDS: '-1', VIGIL_TRAFFIC_SPIKE_THRESHOLD: '2' });
      expect.unreachable();
    } catch (error) {
      expect(isVigilError(error, 'VIGIL_CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).toMatch(/VIGIL_BUCKET_SECONDS[\s\S]*VIGIL_TRAFFIC_SPIKE_THRESHOLD/);
    }
  });
});
