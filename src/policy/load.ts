// Reading a policy file: bytes → YAML document (keeping positions) → plain data → validated
// Policy. Files in the original Partition tools' format are converted on the way.

import { createHash } from 'node:crypto';
import { convertOriginal, isOriginalFormat } from './convert-original.js';
import { decodeUtf8, parseYaml, readPolicyBytes } from './source.js';
import { validatePolicy } from './validate.js';
import type { Policy } from './types.js';

export function loadPolicy(file: string): Policy {
  return parsePolicyBytes(readPolicyBytes(file), file);
}

/** The policy and the text it was read from (plan files embed the text, so apply can re-plan without the file). */
export function loadPolicyWithText(file: string): { policy: Policy; text: string } {
  const bytes = readPolicyBytes(file);
  return { policy: parsePolicyBytes(bytes, file), text: decodeUtf8(bytes, file) };
}

export function parsePolicyText(text: string, file: string): Policy {
  return parsePolicyBytes(Buffer.from(text, 'utf8'), file);
}

function parsePolicyBytes(bytes: Buffer, file: string): Policy {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const { data: raw, locator } = parseYaml(decodeUtf8(bytes, file), file);
  if (isOriginalFormat(raw)) {
    const converted = convertOriginal(raw, locator, file);
    return validatePolicy(converted.raw, file, hash, converted.locator, 'partition-tools-v1');
  }
  return validatePolicy(raw, file, hash, locator);
}
