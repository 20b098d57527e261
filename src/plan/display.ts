// Bounds as people read them. A plan's calls carry exact SQL literals (`2026-10-01 00:00:00+00`);
// what a reviewer reads says `2026-10-01` when the bound is midnight of that day in the policy's
// time zone, and the full time otherwise (a timestamptz on the zone's clock, with its offset), so a
// bound that is not a day boundary never looks like one.
import { DateTime } from 'luxon';
import { keyToLiteral, literalToKey } from './keys.js';
import type { KeyPoint, KeyRange, KeyType } from './model.js';

/** What bounds are printed relative to: the key's type and, for timestamptz, the policy's zone. */
export interface BoundFormat {
  keyType: KeyType;
  /** IANA zone; only timestamptz keys depend on it. Default UTC. */
  timezone?: string;
}

/** `2026-10-01` for a midnight (in the zone, for timestamptz), else the literal; MINVALUE/MAXVALUE as they are. */
export function keyToDisplay(f: BoundFormat, key: KeyPoint): string {
  if (!Number.isFinite(key) || f.keyType === 'date') return keyToLiteral(f.keyType, key);
  const zone = f.keyType === 'timestamptz' ? (f.timezone ?? 'UTC') : 'UTC';
  const dt = DateTime.fromMillis(key, { zone });
  const midnight = dt.isValid && dt.hour === 0 && dt.minute === 0 && dt.second === 0 && dt.millisecond === 0 && Number.isInteger(key);
  if (!dt.isValid || dt.year < 1 || dt.year > 9999) return keyToLiteral(f.keyType, key);
  if (midnight) return dt.toFormat('yyyy-MM-dd');
  if (f.keyType === 'timestamp' || zone === 'UTC') return keyToLiteral(f.keyType, key);
  // The same instant on the zone's clock, with its offset: exact, and comparable with its neighbours.
  const utc = keyToLiteral(f.keyType, key);
  const fraction = /(\.\d+)\+00$/.exec(utc)?.[1] ?? '';
  const off = dt.offset;
  const abs = Math.abs(off);
  const offset = `${off < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
  return `${dt.toFormat('yyyy-MM-dd HH:mm:ss')}${fraction}${offset}`;
}

/** `[2026-10-01, 2026-11-01)`. */
export function rangeToDisplay(f: BoundFormat, r: KeyRange): string {
  return `[${keyToDisplay(f, r.from)}, ${keyToDisplay(f, r.to)})`;
}

/** A bound literal from a plan (PartitionRef.from/to) for people; text that is no bound is returned unchanged. */
export function literalToDisplay(f: BoundFormat, literal: string): string {
  try {
    return keyToDisplay(f, literalToKey(f.keyType, literal));
  } catch {
    return literal;
  }
}

/** "dates are days in Europe/Berlin" for a timestamptz key outside UTC, so a short bound is never misread as UTC. */
export function zoneNote(f: BoundFormat): string | null {
  if (f.keyType !== 'timestamptz') return null;
  const zone = f.timezone ?? 'UTC';
  return zone === 'UTC' || zone === 'Etc/UTC' ? null : `dates are midnights in ${zone}`;
}
