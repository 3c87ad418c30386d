import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { startStandaloneServer } from './standalone-server.js';
import { type ClientKit, defineStreamScenarios, type StreamClient } from './stream-scenarios.js';

/** @eventstore/db-client 6.2.1 through the shared stream scenarios that kurrentdb-client.test.ts runs for its successor. */

const kit: ClientKit = {
  label: '@eventstore/db-client 6.2.1',
  startServer: startStandaloneServer,
  connect: (connectionString) => EventStoreDBClient.connectionString(connectionString) as unknown as StreamClient,
  appendOptions: (expectedRevision) => ({ expectedRevision }),
  jsonEvent: (event) => jsonEvent(event),
  wrongVersion: (error) => {
    const e = error as WrongExpectedVersionError;
    return { streamName: e.streamName, expected: e.expectedVersion, actual: e.actualVersion };
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
