import { type sendUnaryData, Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { serveWhenChild, withChildServer } from './child-server.js';
import { type DecodedBatchAppend, decodeBatchAppendRequest } from '../../src/infrastructure/embedded-esdb/batch-append-decoding.js';
import {
  AllStreamPosition,
  BatchAppendResp,
  type BatchAppendRespT,
  ServerFeaturesService,
  StreamsService,
  SupportedMethod,
  SupportedMethods,
  UUID,
} from '../../src/infrastructure/embedded-esdb/proto.js';

/**
 * The ceiling for appends through @eventstore/db-client on this machine: the real client against a gRPC server, in a
 * child process, that decodes each BatchAppend as the embedded store does and answers success at once, storing
 * nothing. Whatever the client itself costs per append (it builds and serialises each event with google-protobuf,
 * twice) is in this figure; an event store can only add to it. When this ceiling is below a target, no server can
 * meet the target through this client.
 */

async function serve(): Promise<void> {
  const server = new Server();
  server.addService(ServerFeaturesService, {
    getSupportedMethods: (_call: unknown, callback: sendUnaryData<InstanceType<typeof SupportedMethods>>) => {
      const result = new SupportedMethods();
      const method = new SupportedMethod();
      method.setServiceName('event_store.client.streams.streams');
      method.setMethodName('batchappend');
      result.addMethods(method);
      result.setEventStoreServerVersion('24.10.0');
      callback(null, result);
    },
  });
  const revisions = new Map<string, number>();
  server.addService(
    { ...StreamsService, batchAppend: { ...StreamsService.batchAppend, requestDeserialize: decodeBatchAppendRequest } },
    {
      batchAppend: (call: ServerDuplexStream<DecodedBatchAppend, BatchAppendRespT>) => {
        const streamOf = new Map<string, string>();
        call.on('data', (request: DecodedBatchAppend) => {
          if (request.options) streamOf.set(request.correlationId, request.options.stream);
          if (!request.isFinal) return;
          const stream = streamOf.get(request.correlationId) ?? '';
          streamOf.delete(request.correlationId);
          const revision = (revisions.get(stream) ?? -1) + request.proposals.length;
          revisions.set(stream, revision);
          const response = new BatchAppendResp();
          const correlation = new UUID();
          correlation.setString(request.correlationId);
          response.setCorrelationId(correlation);
          const success = new BatchAppendResp.Success();
          success.setCurrentRevision(String(revision));
          const position = new AllStreamPosition();
          position.setCommitPosition('1');
          position.setPreparePosition('1');
          success.setPosition(position);
          response.setSuccess(success);
          call.write(response);
        });
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
  );
  process.stdout.write(`ceiling server on ${port}\n`);
  process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
}

export interface ClientCeiling {
  /** Appends/s of one event each, one writer awaiting each append. */
  readonly singleAppends: number;
  /** Events/s in appends of `size` events, one writer, per size asked for. */
  readonly batchAppends: ReadonlyMap<number, number>;
}

/** The client's own append rates against a server that stores nothing (after a warm-up). */
export async function clientCeiling(payload: Record<string, unknown>, batchSizes: readonly number[], seconds: number): Promise<ClientCeiling> {
  return withChildServer(import.meta.url, 'ceiling server', async (port) => {
    const client = EventStoreDBClient.connectionString(`esdb://127.0.0.1:${port}?tls=false`);
    const event = () => jsonEvent({ type: 'BenchEvent', data: payload });
    /** Events/s over `duration` seconds of appends of `size` events each, one at a time. */
    const rate = async (size: number, duration: number): Promise<number> => {
      const deadline = Date.now() + duration * 1000;
      const started = process.hrtime.bigint();
      let events = 0;
      let expected = -1n;
      while (Date.now() < deadline) {
        const result = await client.appendToStream('ceiling', Array.from({ length: size }, event), { expectedRevision: expected < 0n ? 'any' : expected });
        expected = result.nextExpectedRevision;
        events += size;
      }
      return events / (Number(process.hrtime.bigint() - started) / 1e9);
    };
    try {
      await rate(1, seconds / 2); // warm-up
      await rate(100, seconds / 2);
      const singleAppends = await rate(1, seconds);
      const batchAppends = new Map<number, number>();
      for (const size of batchSizes) batchAppends.set(size, await rate(size, seconds));
      return { singleAppends, batchAppends };
    } finally {
      await client.dispose();
    }
  });
}

serveWhenChild(import.meta.url, serve);
