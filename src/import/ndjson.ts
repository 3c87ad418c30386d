import { createHash } from 'node:crypto';

/** One command line of an import file, before validation. */
export interface CommandLine {
  /** 1-based line number in the file, as an editor's text editor shows it. */
  line: number;
  /** The line without surrounding whitespace. */
  text: string;
}

/**
 * Splits NDJSON text into command lines: blank lines and `#` comment lines are skipped but still counted, so line
 * numbers match the file. Accepts LF and CRLF, and a UTF-8 byte-order mark on the first line.
 */
export function commandLines(text: string): CommandLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const result: CommandLine[] = [];
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    result.push({ line: index + 1, text: trimmed });
  });
  return result;
}

/**
 * JSON with object keys sorted at every level and no whitespace, so that reformatting a line (spaces, key order)
 * does not change its idempotency key.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The idempotency key of an import line: sha256 of the command's canonical JSON. The same command in any file,
 * however formatted, gets the same key, so re-importing appends nothing new.
 */
export function lineKey(command: unknown): string {
  return createHash('sha256').update(canonicalJson(command)).digest('hex');
}
