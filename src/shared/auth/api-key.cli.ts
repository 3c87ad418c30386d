/**
 * `npm run api-key -- <owner> <role[+role]> [key]`: prints an API_KEYS entry (owner:roles:sha256) and, when no key
 * was given, a new random key to hand to its owner. Only the hash goes into configuration.
 */
import { randomBytes } from 'node:crypto';
import { hashApiKey, parseApiKeys } from './api-keys.js';

const [owner, roles, given] = process.argv.slice(2);
if (!owner || !roles) {
  console.error('usage: npm run api-key -- <owner> <editor|auditor|reader[+role]> [key]');
  process.exit(2);
}
const key = given ?? randomBytes(24).toString('base64url');
const entry = `${owner}:${roles}:${hashApiKey(key)}`;
parseApiKeys(entry); // validates owner and roles
if (!given) console.log(`key (give it to ${owner}, it is not stored): ${key}`);
console.log(`API_KEYS entry: ${entry}`);
