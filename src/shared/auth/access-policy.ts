import type { Role } from './api-keys.js';

/**
 * Who may call what, in one table (product.md "Security"): editors send commands, auditors read the raw log
 * and rebuild projections, readers query and subscribe. First matching rule wins; `public` needs no key.
 */
export type Requirement = Role | 'public';

const RULES: Array<{ pattern: RegExp; requires: Requirement }> = [
  { pattern: /^\/health(\/|$)/, requires: 'public' },
  { pattern: /^\/docs(\/|$|-json|-yaml)/, requires: 'public' },
  { pattern: /^\/admin\/(audit|projections)(\/|$)/, requires: 'auditor' },
  { pattern: /^\/admin(\/|$)/, requires: 'editor' },
  { pattern: /^\//, requires: 'reader' },
];

export function requirementFor(path: string): Requirement {
  return RULES.find((rule) => rule.pattern.test(path))?.requires ?? 'reader';
}

/** Editors and auditors may also read; no role implies editor or auditor. */
export function satisfies(roles: readonly Role[], required: Role): boolean {
  if (roles.includes(required)) return true;
  return required === 'reader' && roles.length > 0;
}
