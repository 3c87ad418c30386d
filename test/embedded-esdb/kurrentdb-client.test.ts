import {
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { jest } from '@jest/globals';
import { startStandaloneServer } from './support/standalone-server.js';
import { type ClientKit, defineStreamScenarios, type StreamClient } from './support/stream-scenarios.js';

/**
 * The successor client, @kurrent/kurrentdb-client, through the same stream scenarios as @eventstore/db-client 6.2.1
 * (support/eventstore-db-client.scenarios.test.ts). The server runs in a child process: the embedded server loads
 * @eventstore/db-client's generated protobuf classes, and those share global names with the successor's, so the two
 * cannot live in one process.
 */

const toKurrent = (connectionString: string) => connectionString.replace(/^esdb:\/\//, 'kurrentdb://');

const kit: ClientKit = {
  label: '@kurrent/kurrentdb-client',
  startServer: startStandaloneServer,
  connect: (connectionString) => KurrentDBClient.connectionString(toKurrent(connectionString)) as unknown as StreamClient,
  appendOptions: (streamState) => ({ streamState }),
  jsonEvent: (event) => jsonEvent(event),
  wrongVersion: (error) => {
    const e = error as WrongExpectedVersionError;
    return { streamName: e.streamName, expected: e.expectedState, actual: e.actualState };
  },
  errors: { WrongExpectedVersion: WrongExpectedVersionError, StreamNotFound: StreamNotFoundError, StreamDeleted: StreamDeletedError },
  START,
  END,
  FORWARDS,
  BACKWARDS,
  excludeSystemEvents: () => excludeSystemEvents(),
  streamNamePrefixFilter: (prefix) => streamNameFilter({ prefixes: [prefix] }),
};

defineStreamScenarios(kit);

describe('@kurrent/kurrentdb-client: connection string', () => {
  let server: Awaited<ReturnType<typeof startStandaloneServer>>;
  beforeAll(async () => {
    server = await startStandaloneServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test('the server prints an esdb:// string; the successor accepts it (with a deprecation warning) as well as kurrentdb://', async () => {
    expect(server.connectionString).toMatch(/^esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const legacy = KurrentDBClient.connectionString(server.connectionString);
    warn.mockRestore();
    const current = KurrentDBClient.connectionString(toKurrent(server.connectionString));
    try {
      const stream = `connection-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const appended = await legacy.appendToStream(stream, [jsonEvent({ type: 'ViaEsdb', data: {} })], { streamState: 'no_stream' });
      await current.appendToStream(stream, [jsonEvent({ type: 'ViaKurrentdb', data: {} })], { streamState: appended.nextExpectedRevision });
      const read: string[] = [];
      for await (const e of legacy.readStream(stream)) read.push(e.event!.type);
      expect(read).toEqual(['ViaEsdb', 'ViaKurrentdb']);
    } finally {
      await legacy.dispose();
      await current.dispose();
    }
  });
});
