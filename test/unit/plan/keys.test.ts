import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyToLiteral, literalToKey, rangeLiterals } from '../../../src/plan/keys.js';
import type { KeyType } from '../../../src/plan/model.js';

describe('literalToKey', () => {
  it('reads what PostgreSQL prints for each key type', () => {
    expect(literalToKey('date', '2024-01-01')).toBe(Date.UTC(2024, 0, 1));
    expect(literalToKey('timestamp', '2024-01-01 00:00:00')).toBe(Date.UTC(2024, 0, 1));
    expect(literalToKey('timestamp', '2024-02-29 13:45:10.25')).toBe(Date.UTC(2024, 1, 29, 13, 45, 10, 250));
    expect(literalToKey('timestamptz', '2024-01-01 00:00:00+00')).toBe(Date.UTC(2024, 0, 1));
    expect(literalToKey('timestamptz', '2024-01-01 03:00:00+03')).toBe(Date.UTC(2024, 0, 1));
    expect(literalToKey('timestamptz', '2023-12-31 19:00:00-05')).toBe(Date.UTC(2024, 0, 1));
    expect(literalToKey('timestamptz', '2024-01-01 05:30:00+05:30')).toBe(Date.UTC(2024, 0, 1));
    expect(keyToLiteral('timestamp', literalToKey('timestamp', '2024-01-01 00:00:00.000001'))).toBe('2024-01-01 00:00:00.000001');
  });

  it('reads every date and whole-second timestamp in the shapes PostgreSQL prints', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }),
        (y, m, d, hh, mi, ss) => {
          const date = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
          const time = `${pad(hh)}:${pad(mi)}:${pad(ss)}`;
          const utc = new Date(0);
          utc.setUTCFullYear(y, m - 1, d);
          if (utc.getUTCDate() !== d) {
            expect(() => literalToKey('date', date)).toThrow(/no such day/);
            return;
          }
          expect(literalToKey('date', date)).toBe(utc.getTime());
          utc.setUTCHours(hh, mi, ss, 0);
          expect(literalToKey('timestamp', `${date} ${time}`)).toBe(utc.getTime());
          expect(literalToKey('timestamptz', `${date} ${time}+00`)).toBe(utc.getTime());
        },
      ),
      { numRuns: 5000 },
    );
    expect(literalToKey('date', '0099-03-01')).toBe(new Date('0099-03-01T00:00:00Z').getTime());
  });

  it('prints whole seconds of years 1000–9999 as toISOString does, and reads them back', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30_610_224_000, max: 253_402_300_799 }), (seconds) => {
        const key = seconds * 1000;
        const iso = new Date(key).toISOString();
        const stamp = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
        expect(keyToLiteral('timestamp', key)).toBe(stamp);
        expect(keyToLiteral('timestamptz', key)).toBe(`${stamp}+00`);
        expect(literalToKey('timestamp', stamp)).toBe(key);
        const midnight = Math.floor(key / 86_400_000) * 86_400_000;
        expect(keyToLiteral('date', midnight)).toBe(iso.slice(0, 10));
        if (key !== midnight) expect(() => keyToLiteral('date', key)).toThrow(/midnight/);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads infinities and MINVALUE/MAXVALUE, and catalog decorations', () => {
    expect(literalToKey('date', 'MINVALUE')).toBe(-Infinity);
    expect(literalToKey('date', 'maxvalue')).toBe(Infinity);
    expect(literalToKey('timestamptz', '-infinity')).toBe(-Infinity);
    expect(literalToKey('timestamp', 'infinity')).toBe(Infinity);
    expect(literalToKey('date', "'2024-01-01'::date")).toBe(Date.UTC(2024, 0, 1));
    expect(literalToKey('timestamp', "'2024-01-01 00:00:00'::timestamp without time zone")).toBe(Date.UTC(2024, 0, 1));
  });

  it('rejects what is not a bound, naming it', () => {
    expect(() => literalToKey('date', '2024-02-30')).toThrow(/2024-02-30/);
    expect(() => literalToKey('date', '2024-01-01 10:00:00')).toThrow(/no time of day/);
    expect(() => literalToKey('date', 'yesterday')).toThrow(/not a date/);
  });
});

describe('keyToLiteral', () => {
  it('prints the literal the procedures accept', () => {
    const k = Date.UTC(2024, 0, 1);
    expect(keyToLiteral('date', k)).toBe('2024-01-01');
    expect(keyToLiteral('timestamp', k)).toBe('2024-01-01 00:00:00');
    expect(keyToLiteral('timestamptz', k)).toBe('2024-01-01 00:00:00+00');
    expect(keyToLiteral('timestamp', k + 1.5)).toBe('2024-01-01 00:00:00.0015');
    expect(keyToLiteral('date', -Infinity)).toBe('MINVALUE');
    expect(keyToLiteral('timestamptz', Infinity)).toBe('MAXVALUE');
    expect(keyToLiteral('date', literalToKey('date', '0099-12-31'))).toBe('0099-12-31');
  });

  it('round-trips every key of every type', () => {
    const types: KeyType[] = ['date', 'timestamp', 'timestamptz'];
    const day = 86_400_000;
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.integer({ min: -700_000, max: 120_000 }), // days around 1970: years ~0054 .. 2298
        fc.integer({ min: 0, max: day * 1000 - 1 }), // microseconds into the day
        fc.constantFrom(-Infinity, Infinity, 0),
        (kt, days, micros, inf) => {
          // A double holds microseconds exactly only within about 1833..2106; keep whole
          // milliseconds outside it (no table has fractional bounds in the 1600s).
          const exactMicros = days > -50_000 && days < 50_000;
          const us = kt === 'date' ? 0 : exactMicros ? micros : Math.floor(micros / 1000) * 1000;
          const key = inf !== 0 ? inf : (days * day * 1000 + us) / 1000;
          const text = keyToLiteral(kt, key);
          expect(literalToKey(kt, text)).toBe(key);
          expect(keyToLiteral(kt, literalToKey(kt, text))).toBe(text);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('round-trips dates before year 1 in PostgreSQL BC notation', () => {
    const text = keyToLiteral('date', literalToKey('date', '0044-03-15 BC'));
    expect(text).toBe('0044-03-15 BC');
  });
});

describe('rangeLiterals', () => {
  it('prints both bounds as keyToLiteral does, once per range object and key type', () => {
    const range = { from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 1, 1) };
    const date = rangeLiterals('date', range);
    expect(date).toMatchObject({ from: '2024-01-01', to: '2024-02-01' });
    expect(rangeLiterals('date', range)).toBe(date);
    // The same range read under another key type is printed for that type, never from the cache.
    expect(rangeLiterals('timestamptz', range)).toMatchObject({ from: '2024-01-01 00:00:00+00', to: '2024-02-01 00:00:00+00' });
    expect(rangeLiterals('date', { from: -Infinity, to: Infinity })).toMatchObject({ from: 'MINVALUE', to: 'MAXVALUE' });
  });
});
