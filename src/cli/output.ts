// Choosing how to print: colour and the Ink TUI only for people at a terminal.
export function wantsColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !process.env.CI && process.env.TERM !== 'dumb';
}
