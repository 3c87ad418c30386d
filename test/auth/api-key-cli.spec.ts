import { apiKeyCommand } from '../../src/shared/auth/api-key.command.js';
import { hashApiKey, parseApiKeys } from '../../src/shared/auth/api-keys.js';

describe('npm run api-key', () => {
  it('--help prints the usage and succeeds', () => {
    for (const flag of ['--help', '-h']) {
      const outcome = apiKeyCommand([flag]);
      expect(outcome.exitCode).toBe(0);
      expect(outcome.stdout.join('\n')).toMatch(/^Usage: npm run api-key/);
      expect(outcome.stderr).toEqual([]);
    }
  });

  it.each([
    [['--bogus'], /unexpected argument\(s\): --bogus/],
    [[], /an owner and a role are required/],
    [['alice'], /an owner and a role are required/],
    [['alice', 'editor', 'key', 'extra'], /unexpected argument\(s\): extra/],
    [['alice', 'admin'], /unknown role "admin"/],
  ])('%j prints what is wrong and the usage, exit code 2', (argv, problem) => {
    const outcome = apiKeyCommand(argv);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stdout).toEqual([]);
    expect(outcome.stderr[0]).toMatch(problem);
    expect(outcome.stderr[1]).toMatch(/^Usage: npm run api-key/);
  });

  it('prints the entry of a given key, which API_KEYS accepts', () => {
    const outcome = apiKeyCommand(['alice', 'editor+reader', 's3cret']);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toEqual([`API_KEYS entry: alice:editor+reader:${hashApiKey('s3cret')}`]);
    expect(parseApiKeys(outcome.stdout[0].replace('API_KEYS entry: ', ''))).toEqual([
      { owner: 'alice', roles: ['editor', 'reader'], sha256: hashApiKey('s3cret') },
    ]);
  });

  it('makes a new key when none is given and prints it once, beside its entry', () => {
    const outcome = apiKeyCommand(['desk', 'auditor'], () => 'generated-key');
    expect(outcome.stdout).toEqual([
      'key (give it to desk, it is not stored): generated-key',
      `API_KEYS entry: desk:auditor:${hashApiKey('generated-key')}`,
    ]);
  });
});
