// Is this an IANA time zone the runtime knows? The same answer as luxon's IANAZone.isValidZone
// (which the planner's zone arithmetic relies on: creating an Intl.DateTimeFormat in the zone must
// not throw), without luxon and, for the names Intl lists, without creating a DateTimeFormat:
// its first creation sets up ICU's date formatting (~13 ms of CPU, a sixth of `node -e 0`), where
// the list costs ~1.5 ms. Aliases (US/Eastern, Asia/Kolkata on some ICU versions) and other
// spellings Intl accepts are not listed, and are asked of Intl as luxon asks.
// test/unit/util/time-zone.test.ts holds it to luxon's answers.

let listed: ReadonlySet<string> | undefined;

export function isIanaZone(name: string): boolean {
  if (!name) return false;
  listed ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (listed.has(name)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name }).format();
    return true;
  } catch {
    return false;
  }
}
