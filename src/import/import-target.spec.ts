import type { ApiEndpoint } from './api-endpoint.js';
import { chooseImportTarget, type DataDirFacts } from './import-target.js';

const API_PID = 4242;
const EMBEDDED = 'esdb://127.0.0.1:40123?tls=false';

const endpoint = (overrides: Partial<ApiEndpoint> = {}): ApiEndpoint => ({
  pid: API_PID,
  instance: 'i-1',
  startedAt: '2026-01-01T00:00:00.000Z',
  eventStore: EMBEDDED,
  readStore: { dialect: 'sqlite', exclusive: false },
  ...overrides,
});

/** Default: the import's own config is the zero-setup one (embedded store, SQLite), an API holds the folder. */
const facts = (overrides: Partial<DataDirFacts> = {}): DataDirFacts => ({
  dataDir: '/srv/data',
  databaseSchema: 'public',
  holders: [API_PID],
  endpoint: endpoint(),
  endpointAnswers: true,
  ...overrides,
});

const refusal = (target: ReturnType<typeof chooseImportTarget>): string => {
  if (target.kind !== 'refuse') throw new Error(`expected a refusal, got ${target.kind}`);
  return target.message;
};

describe('chooseImportTarget', () => {
  it('opens the stores itself when nothing holds the data folder, even beside a stale endpoint file', () => {
    expect(chooseImportTarget(facts({ holders: [] }))).toEqual({ kind: 'own' });
  });

  it('is one more client when both stores are external (no file of the data folder is shared)', () => {
    const external = facts({ eventStoreUrl: 'esdb://es:2113?tls=false', databaseUrl: 'postgres://pg/db', holders: [] });
    expect(chooseImportTarget(external)).toEqual({ kind: 'own' });
  });

  it('goes through the API whose published event store answers and whose process holds the files', () => {
    expect(chooseImportTarget(facts())).toEqual({ kind: 'api', endpoint: endpoint(), eventStoreUrl: EMBEDDED });
    // Another import already going through the same API holds read-models.db too.
    expect(chooseImportTarget(facts({ holders: [999, API_PID] }))).toMatchObject({ kind: 'api' });
  });

  it('refuses when the holders are not the process the file names (a killed API, then another import)', () => {
    expect(refusal(chooseImportTarget(facts({ holders: [999] })))).toContain('in use by another process (pid 999) that publishes no API endpoint');
    expect(refusal(chooseImportTarget(facts({ holders: [999], endpoint: undefined })))).toContain('pid 999');
  });

  it('refuses when the published event store does not answer', () => {
    expect(refusal(chooseImportTarget(facts({ endpointAnswers: false })))).toContain(`${EMBEDDED}, which does not answer`);
  });

  it('refuses an API whose SQLite read store is exclusive, naming PROJECTIONS_THREAD', () => {
    const exclusive = facts({ endpoint: endpoint({ readStore: { dialect: 'sqlite', exclusive: true } }) });
    expect(refusal(chooseImportTarget(exclusive))).toContain('PROJECTIONS_THREAD=main');
  });

  it('refuses when the import is configured for other stores than the API', () => {
    expect(refusal(chooseImportTarget(facts({ eventStoreUrl: 'esdb://es:2113?tls=false' })))).toContain('unset EVENTSTORE_URL');
    expect(refusal(chooseImportTarget(facts({ databaseUrl: 'postgres://pg/db' })))).toContain('unset DATABASE_URL');
    const onPostgres = endpoint({ readStore: { dialect: 'postgres', schema: 'desk' } });
    expect(refusal(chooseImportTarget(facts({ endpoint: onPostgres })))).toContain('set DATABASE_URL and DATABASE_SCHEMA');
    expect(refusal(chooseImportTarget(facts({ endpoint: onPostgres, databaseUrl: 'postgres://pg/db' })))).toContain('schema desk');
  });

  it('goes through an API on an external event store with the import’s own EVENTSTORE_URL', () => {
    const url = 'esdb://es:2113?tls=false';
    const target = chooseImportTarget(facts({ eventStoreUrl: url, endpoint: endpoint({ eventStore: null }), endpointAnswers: undefined }));
    expect(target).toMatchObject({ kind: 'api', eventStoreUrl: url });
    expect(refusal(chooseImportTarget(facts({ endpoint: endpoint({ eventStore: null }) })))).toContain('set EVENTSTORE_URL');
  });

  it('trusts a live endpoint where it cannot tell who holds the files, and otherwise opens the stores itself', () => {
    expect(chooseImportTarget(facts({ holders: null, endpointAlive: true }))).toMatchObject({ kind: 'api' });
    expect(chooseImportTarget(facts({ holders: null, endpointAlive: false }))).toEqual({ kind: 'own' });
  });
});
