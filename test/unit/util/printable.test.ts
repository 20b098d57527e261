import { describe, expect, it } from 'vitest';
import { hasUnprintable, printable, printableLines } from '../../../src/util/printable.js';

describe('printable', () => {
  it('shows control characters as visible escapes and keeps everything else', () => {
    expect(printable('evil\n\\! touch /tmp/x\n')).toBe('evil\\n\\! touch /tmp/x\\n');
    expect(printable('a\rb\u0000c\u001b[31md\te\u007f')).toBe('a\\rb\\x00c\\x1b[31md\\te\\x7f');
    expect(printable('csi\u009bx')).toBe('csi\\x9bx');
    expect(printable('rlo\u202egnp.exe')).toBe('rlo\\u202egnp.exe');
    expect(printable('line\u2028sep\ufeff')).toBe('line\\u2028sep\\ufeff');
    expect(printable('zero\u200bwidth')).toBe('zero\\u200bwidth');
    expect(printable('lone\ud800')).toBe('lone\\ud800');
    // Ordinary names, unicode and emoji (a surrogate pair) are untouched.
    expect(printable('Sales Data."Orders" ümlaut 日本 🎉 $x')).toBe('Sales Data."Orders" ümlaut 日本 🎉 $x');
  });

  it('says whether anything needs escaping, repeatably', () => {
    expect(hasUnprintable('ok')).toBe(false);
    expect(hasUnprintable('a\nb')).toBe(true);
    expect(hasUnprintable('a\nb')).toBe(true);
    expect(hasUnprintable('🎉')).toBe(false);
  });

  it('keeps the lines of a message and escapes the rest of each', () => {
    expect(printableLines('first\u001b[2J\nsecond\r')).toBe('first\\x1b[2J\nsecond\\r');
  });
});
