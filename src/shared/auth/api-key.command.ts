import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { hashApiKey, parseApiKeys } from './api-keys.js';

export const API_KEY_USAGE = `Usage: npm run api-key -- <owner> <editor|auditor|reader[+role]> [key]

Prints an API_KEYS entry (owner:roles:sha256) for the key, or for a new random key when none is given.
Only the hash goes into configuration; hand the key itself to its owner.`;

export interface CliOutcome {
  exitCode: number;
  stdout: string[];
  stderr: string[];
}

/**
 * `npm run api-key`, as a function of its arguments so that its answers are testable without a process: `--help`
 * is a success, anything it cannot use is the usage with exit code 2, never a stack trace.
 */
export function apiKeyCommand(argv: readonly string[], newKey = () => randomBytes(24).toString('base64url')): CliOutcome {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return { exitCode: 2, stdout: [], stderr: [`api-key: ${(error as Error).message}`, API_KEY_USAGE] };
  }
  if (parsed.values.help) return { exitCode: 0, stdout: [API_KEY_USAGE], stderr: [] };
  const [owner, roles, given, ...extra] = parsed.positionals;
  if (!owner || !roles || extra.length > 0) {
    const problem = extra.length > 0 ? `unexpected argument(s): ${extra.join(' ')}` : 'an owner and a role are required';
    return { exitCode: 2, stdout: [], stderr: [`api-key: ${problem}`, API_KEY_USAGE] };
  }
  const key = given ?? newKey();
  const entry = `${owner}:${roles}:${hashApiKey(key)}`;
  try {
    parseApiKeys(entry);
  } catch (error) {
    return { exitCode: 2, stdout: [], stderr: [`api-key: ${(error as Error).message}`, API_KEY_USAGE] };
  }
  const stdout = given ? [] : [`key (give it to ${owner}, it is not stored): ${key}`];
  return { exitCode: 0, stdout: [...stdout, `API_KEYS entry: ${entry}`], stderr: [] };
}

const parse = (argv: readonly string[]) =>
  parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { help: { type: 'boolean', short: 'h' } } });
