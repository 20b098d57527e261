// The proleptic Gregorian calendar (the one Date, luxon and PostgreSQL use) as plain arithmetic on
// days since 1970-01-01, after Howard Hinnant's "chrono-compatible low-level date algorithms".
// Allocation-free: policy validation, target layouts, bounds and plan hashes run these once per
// day or partition, tens of thousands of times. Months are 1–12; years are astronomical (0 = 1 BC).

/** Days since 1970-01-01 of a calendar day. */
export function daysOfCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** The calendar day of a day count, packed as (year * 12 + month - 1) * 100 + day. */
export function civilOfDays(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return ((yoe + era * 400 + (month <= 2 ? 1 : 0)) * 12 + month - 1) * 100 + day;
}

/** Year, month (1–12) and day of a packed civilOfDays() value. */
export function unpackYear(packed: number): number {
  return Math.floor(Math.floor(packed / 100) / 12);
}
export function unpackMonth(packed: number): number {
  const ym = Math.floor(packed / 100);
  return ym - Math.floor(ym / 12) * 12 + 1;
}
export function unpackDay(packed: number): number {
  return packed - Math.floor(packed / 100) * 100;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
