// Issue 3's figures (rows written per row reorganised; split cost against N) land here once
// merge/realign is planned end to end.
export async function benchReshaping(_url: string): Promise<void> {
  return;
}
