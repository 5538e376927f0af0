import { afterEach, describe, expect, it } from 'vitest';
import { parseAnyTime, parseClfTime, parseIsoTime } from './time';

const clf = (s: string) => parseClfTime(s, 0, s.length);

describe('parseClfTime', () => {
  it('honours the zone offset', () => {
    expect(clf('10/Oct/2000:13:55:36 -0700')).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(clf('18/Jan/2024:15:31:16 +0100')).toBe(Date.UTC(2024, 0, 18, 14, 31, 16));
    expect(clf('17/Oct/2023:05:57:49 +1100')).toBe(Date.UTC(2023, 9, 16, 18, 57, 49));
  });

  it('reads a repeated timestamp inside another line the same, and a changed zone or second anew', () => {
    const line = (time: string) => `10.0.0.1 - - [${time}] "GET / HTTP/1.1" 200 5`;
    const at = (s: string) => parseClfTime(s, s.indexOf('[') + 1, s.indexOf(']'));
    expect(at(line('10/Oct/2000:13:55:36 -0700'))).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(at(line('10/Oct/2000:13:55:36 -0700'))).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(at(line('10/Oct/2000:13:55:36 +0000'))).toBe(Date.UTC(2000, 9, 10, 13, 55, 36));
    expect(at(line('10/Oct/2000:13:55:37 +0000'))).toBe(Date.UTC(2000, 9, 10, 13, 55, 37));
    expect(at(line('10/Oct/2000:13:55:37'))).toBe(Date.UTC(2000, 9, 10, 13, 55, 37));
  });

  it('keeps no malformed time as the last one, and reads one of another length anew', () => {
    expect(clf('10/Oct/2000:25:55:36 +0000')).toBeNaN();
    expect(clf('10/Oct/2000:25:55:36 +0000')).toBeNaN();
    expect(clf('10/Oct/2000:13:55:36 +0000')).toBe(Date.UTC(2000, 9, 10, 13, 55, 36));
    expect(clf('10/Oct/2000:13:55:36.5 +0000')).toBe(Date.UTC(2000, 9, 10, 13, 55, 36, 500));
    expect(clf('10/Oct/2000:13:55:36 +0000')).toBe(Date.UTC(2000, 9, 10, 13, 55, 36));
  });

  it('reads HAProxy milliseconds without a zone as UTC', () => {
    expect(clf('30/Jul/2018:09:03:52.726')).toBe(Date.UTC(2018, 6, 30, 9, 3, 52, 726));
  });

  it('rejects malformed times with NaN', () => {
    for (const bad of ['32/Oct/2000:13:55:36 +0000', '10/Foo/2000:13:55:36 +0000', '10/Oct/2000:25:55:36 +0000', '10/Oct/2000', '10/Oct/2000:13:55:36 0000']) {
      expect(clf(bad), bad).toBeNaN();
    }
  });
});

describe('parseAnyTime', () => {
  it('reads epoch seconds, epoch milliseconds, ISO 8601 and CLF', () => {
    expect(parseAnyTime(1693840791.7564995)).toBe(1693840791756);
    expect(parseAnyTime(1614232668342)).toBe(1614232668342);
    expect(parseAnyTime('2021-12-08T14:02:43.587782192Z')).toBe(Date.UTC(2021, 11, 8, 14, 2, 43, 587));
    expect(parseAnyTime('10/Jun/2023:15:36:28 +0000')).toBe(Date.UTC(2023, 5, 10, 15, 36, 28));
    expect(parseAnyTime('yesterday')).toBeNaN();
  });

  it('reads epoch microseconds and nanoseconds by their magnitude', () => {
    expect(parseAnyTime(1693840791756499)).toBe(1693840791756);
    expect(parseAnyTime(1693840791756499500)).toBe(1693840791756);
    expect(parseAnyTime('1693840791756499500')).toBe(1693840791756);
  });
});

describe('zone-less times', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('reads an ISO time without a zone as UTC, whatever the collector\'s zone', () => {
    process.env.TZ = 'Europe/Paris';
    expect(parseIsoTime('2024-03-12T15:22:28')).toBe(Date.UTC(2024, 2, 12, 15, 22, 28));
    expect(parseIsoTime('2024-03-12 15:22:28.5')).toBe(Date.UTC(2024, 2, 12, 15, 22, 28, 500));
    expect(parseIsoTime('2024-03-12T15:22:28+01:00')).toBe(Date.UTC(2024, 2, 12, 14, 22, 28));
    expect(parseIsoTime('2024-03-12T15:22:28.1-0500')).toBe(Date.UTC(2024, 2, 12, 20, 22, 28, 100));
    expect(parseIsoTime('2024-03-12')).toBe(Date.UTC(2024, 2, 12));
  });

  it('reads Caddy\'s wall times (yyyy/mm/dd, in UTC)', () => {
    process.env.TZ = 'America/New_York';
    expect(parseAnyTime('2023/09/04 15:19:51')).toBe(Date.UTC(2023, 8, 4, 15, 19, 51));
    expect(parseAnyTime('2023/09/04 15:19:51.751')).toBe(Date.UTC(2023, 8, 4, 15, 19, 51, 751));
    expect(parseAnyTime('2023/09/04 15:19:51.751234567')).toBe(Date.UTC(2023, 8, 4, 15, 19, 51, 751));
  });
});
