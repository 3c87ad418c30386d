import { hash, timingSafeEqual } from 'node:crypto';

export const ROLES = ['editor', 'auditor', 'reader'] as const;
export type Role = (typeof ROLES)[number];

/** A configured API key: only its SHA-256 is kept, never the key itself. */
export interface ApiKeyEntry {
  owner: string;
  roles: Role[];
  sha256: string;
}

export interface Principal {
  owner: string;
  roles: Role[];
}

export const hashApiKey = (key: string): string => hash('sha256', key, 'hex');

/**
 * `API_KEYS` format: comma-separated `owner:role[+role]:sha256hex` entries, e.g.
 * `alice:editor:9f86d0…,audit-desk:auditor+reader:2c26b4…`. Produce a hash with `npm run api-key -- <key>`.
 */
export function parseApiKeys(value: string): ApiKeyEntry[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [owner, roleList, sha256, ...rest] = entry.split(':');
      if (!owner || !roleList || !sha256 || rest.length > 0) {
        throw new Error(`API_KEYS entry "${entry.slice(0, 40)}" is not owner:role[+role]:sha256`);
      }
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`API_KEYS entry for ${owner}: the hash is not 64 hex digits`);
      const roles = roleList.split('+');
      for (const role of roles) {
        if (!(ROLES as readonly string[]).includes(role)) {
          throw new Error(`API_KEYS entry for ${owner}: unknown role "${role}" (editor, auditor, reader)`);
        }
      }
      return { owner, roles: roles as Role[], sha256 };
    });
}

/** Development keys, used only outside production when API_KEYS is unset; printed at start. */
export const DEVELOPMENT_KEYS: Array<{ key: string; owner: string; roles: Role[] }> = [
  { key: 'dev-editor-key', owner: 'dev-editor', roles: ['editor'] },
  { key: 'dev-auditor-key', owner: 'dev-auditor', roles: ['auditor'] },
  { key: 'dev-reader-key', owner: 'dev-reader', roles: ['reader'] },
];

export class ApiKeyRegistry {
  private readonly byHash: Map<string, ApiKeyEntry & { digest: Buffer }>;

  constructor(entries: ApiKeyEntry[]) {
    this.byHash = new Map(entries.map((entry) => [entry.sha256, { ...entry, digest: Buffer.from(entry.sha256, 'hex') }]));
  }

  static development(): ApiKeyRegistry {
    return new ApiKeyRegistry(DEVELOPMENT_KEYS.map(({ key, owner, roles }) => ({ owner, roles, sha256: hashApiKey(key) })));
  }

  authenticate(key: string): Principal | undefined {
    const digest = hashApiKey(key);
    const entry = this.byHash.get(digest);
    // The map lookup already picked the candidate; compare in constant time anyway so a timing probe learns nothing.
    if (!entry || !timingSafeEqual(entry.digest, Buffer.from(digest, 'hex'))) return undefined;
    return { owner: entry.owner, roles: entry.roles };
  }
}
