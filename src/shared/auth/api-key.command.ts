import { randomBytes } from 'node:crypto';
import { parseCliArgs } from '../cli/cli-args.js';
import { hashApiKey, parseApiKeys } from './api-keys.js';

export const API_KEY_USAGE = `Usage: npm run api-key -- <owner> <editor|auditor|reader[+role]> [key]

Prints an API_KEYS entry (owner:roles:sha256) for the key, or for a new random key when none is given.
Only the hash goes into configuration; hand the key itself to its owner.`;

export interface CliOutcome {
  exitCode: number;
  stdout: string[];
  stderr: string[];
}

const refused = (problem: string): CliOutcome => ({ exitCode: 2, stdout: [], stderr: [`api-key: ${problem}`, API_KEY_USAGE] });

/**
 * `npm run api-key`, as a function of its arguments so that its answers are testable without a process: `--help`
 * is a success, anything it cannot use is the usage with exit code 2, never a stack trace.
 */
export function apiKeyCommand(argv: readonly string[], newKey = () => randomBytes(24).toString('base64url')): CliOutcome {
  const { values, positionals, unknown } = parseCliArgs(argv, { help: { type: 'boolean', short: 'h' } }, 3);
  if (values.help === true) return { exitCode: 0, stdout: [API_KEY_USAGE], stderr: [] };
  if (unknown.length > 0) return refused(`unexpected argument(s): ${unknown.join(' ')}`);
  const [owner, roles, given] = positionals;
  if (!owner || !roles) return refused('an owner and a role are required');
  const key = given ?? newKey();
  const entry = `${owner}:${roles}:${hashApiKey(key)}`;
  try {
    parseApiKeys(entry);
  } catch (error) {
    return refused((error as Error).message);
  }
  const stdout = given ? [] : [`key (give it to ${owner}, it is not stored): ${key}`];
  return { exitCode: 0, stdout: [...stdout, `API_KEYS entry: ${entry}`], stderr: [] };
}
