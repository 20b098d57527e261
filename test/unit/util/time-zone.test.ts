// The policy's time-zone check answers as luxon does (the planner's zone arithmetic is luxon's),
// while asking Intl's list first to spare creating a DateTimeFormat.
import { describe, expect, it } from 'vitest';
import { IANAZone } from 'luxon';
import { isIanaZone } from '../../../src/util/time-zone.js';

describe('isIanaZone', () => {
  it('accepts every zone Intl lists, as luxon does', () => {
    const listed = Intl.supportedValuesOf('timeZone');
    expect(listed.length).toBeGreaterThan(300);
    for (const zone of listed) expect([zone, isIanaZone(zone)]).toEqual([zone, IANAZone.isValidZone(zone)]);
    expect(listed.every((z) => isIanaZone(z))).toBe(true);
  });

  it('answers as luxon for aliases, other spellings and non-zones', () => {
    const names = [
      'Europe/Berlin', 'America/New_York', 'UTC', 'utc', 'Etc/UTC', 'GMT', 'Etc/GMT+5', 'US/Eastern', 'Asia/Kolkata', 'Asia/Calcutta',
      'Europe/Kyiv', 'Europe/Kiev', 'europe/berlin', 'EUROPE/BERLIN', 'EST5EDT', 'Z', '+01:00', '-0530', 'Europe/Berlin ', ' Europe/Berlin',
      'Mars/Phobos', 'Europe', 'Europe/', '/', '', 'local', 'system', 'Europe/Berlin\n', 'Europe\u0000/Berlin',
    ];
    for (const name of names) expect([name, isIanaZone(name)]).toEqual([name, IANAZone.isValidZone(name)]);
    expect(isIanaZone('Europe/Berlin')).toBe(true);
    expect(isIanaZone('Mars/Phobos')).toBe(false);
  });
});
