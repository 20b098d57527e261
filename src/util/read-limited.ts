// Reading a file the user named without trusting its size: /dev/zero, a FIFO or a huge file is
// refused after `maxBytes`, instead of being read until memory runs out.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number, /** The size when the file system knows it (regular files). */ readonly size: number | null) {
    super(size === null ? `holds more than ${formatBytes(maxBytes)}` : `is ${formatBytes(size)}, more than ${formatBytes(maxBytes)}`);
    this.name = 'FileTooLargeError';
  }
}

/** "1 MiB", "2.1 MiB", "512 KiB", "300 bytes". */
export function formatBytes(n: number): string {
  const units: Array<[number, string]> = [[1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']];
  for (const [size, unit] of units) {
    if (n >= size) return `${Number((n / size).toFixed(1))} ${unit}`;
  }
  return `${n} bytes`;
}

/**
 * The file's bytes, or FileTooLargeError when it holds more than `maxBytes`. File-system errors
 * (ENOENT, EISDIR, EACCES…) are thrown as they come.
 */
export function readFileLimited(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && stat.size > maxBytes) throw new FileTooLargeError(maxBytes, stat.size);
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1));
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new FileTooLargeError(maxBytes, null);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}
