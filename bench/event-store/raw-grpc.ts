import { credentials, type ServerWritableStream, Server, ServerCredentials, makeGenericClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { serveWhenChild, withChildServer } from './child-server.js';

/**
 * The ceiling for reading $all / catching up over gRPC on this machine: @grpc/grpc-js server-streaming raw byte
 * messages (no protobuf encoding or decoding on either side) over loopback from a child process, as fast as the
 * client takes them. The event store's read pays for storage, encoding and the client's decoding on top of this.
 */

const identity = (b: Buffer) => b;
const service: ServiceDefinition = {
  stream: {
    path: '/bench.Raw/Stream',
    requestStream: false,
    responseStream: true,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

async function serve(): Promise<void> {
  const server = new Server();
  server.addService(service, {
    stream: (call: ServerWritableStream<Buffer, Buffer>) => {
      const count = call.request.readUInt32BE(0);
      const message = Buffer.alloc(call.request.readUInt32BE(4), 120);
      let sent = 0;
      const pump = () => {
        while (sent < count) {
          sent++;
          if (!call.write(message)) {
            call.once('drain', pump);
            return;
          }
        }
        call.end();
      };
      pump();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
  );
  process.stdout.write(`raw grpc on ${port}\n`);
  process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
}

/** Messages per second received by one client streaming `messages` messages of `messageBytes` bytes. */
export async function rawGrpcStreamRate(messages: number, messageBytes: number): Promise<number> {
  return withChildServer(import.meta.url, 'raw grpc', async (port) => {
    const Client = makeGenericClientConstructor(service, 'Raw');
    const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
    try {
      const request = Buffer.alloc(8);
      request.writeUInt32BE(messages, 0);
      request.writeUInt32BE(messageBytes, 4);
      const run = () =>
        new Promise<number>((resolve, reject) => {
          let received = 0;
          const started = process.hrtime.bigint();
          const call = (client as unknown as { stream(req: Buffer): NodeJS.ReadableStream }).stream(request);
          call.on('data', () => received++);
          call.on('error', reject);
          call.on('end', () => resolve(received / (Number(process.hrtime.bigint() - started) / 1e9)));
        });
      await run(); // warm-up
      return await run();
    } finally {
      client.close();
    }
  });
}

serveWhenChild(import.meta.url, serve);
