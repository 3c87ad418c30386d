import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import { randomUUID } from 'node:crypto';
import type { ExpectedRevision } from '../../src/infrastructure/embedded-esdb/event-log.js';
import { encodeBatchAppendSuccess } from '../../src/infrastructure/embedded-esdb/wire-encoding.js';

/** The hand-encoded success of a BatchAppend against the same message built with the client's generated classes. */

function generated(id: string, stream: string, expected: ExpectedRevision, revision: number | null, position: number | null): Buffer {
  const response = new streamsPb.BatchAppendResp();
  const uuid = new sharedPb.UUID();
  uuid.setString(id);
  response.setCorrelationId(uuid);
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(stream, 'utf8'));
  response.setStreamIdentifier(identifier);
  if (expected.kind === 'revision') response.setStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') response.setNoStream(new emptyPb.Empty());
  else if (expected.kind === 'any') response.setAny(new emptyPb.Empty());
  else response.setStreamExists(new emptyPb.Empty());
  const success = new streamsPb.BatchAppendResp.Success();
  if (revision === null) success.setNoStream(new emptyPb.Empty());
  else success.setCurrentRevision(String(revision));
  if (position === null) success.setNoPosition(new emptyPb.Empty());
  else {
    const all = new sharedPb.AllStreamPosition();
    all.setCommitPosition(String(position));
    all.setPreparePosition(String(position));
    success.setPosition(all);
  }
  response.setSuccess(success);
  return Buffer.from(response.serializeBinary());
}

describe('encodeBatchAppendSuccess', () => {
  const expectations: ExpectedRevision[] = [
    { kind: 'any' },
    { kind: 'no_stream' },
    { kind: 'stream_exists' },
    { kind: 'revision', revision: 0n },
    { kind: 'revision', revision: 127n },
    { kind: 'revision', revision: 128n },
    { kind: 'revision', revision: 2n ** 53n + 1n },
    { kind: 'revision', revision: 2n ** 64n - 1n },
  ];
  const results: Array<[number | null, number | null]> = [
    [0, 1],
    [127, 128],
    [16_384, 2 ** 40],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    [null, 5],
    [3, null],
    [null, null],
  ];
  const streams = ['orders-1', '', 'Ḩamāh-مدينة', 'x'.repeat(300)];

  it('writes exactly the bytes of the generated classes, for every expected revision and result', () => {
    let cases = 0;
    for (const expected of expectations) {
      for (const [revision, position] of results) {
        for (const stream of streams) {
          const id = randomUUID();
          const encoded = encodeBatchAppendSuccess(id, stream, expected, revision, position);
          expect(encoded).toBeDefined();
          expect(Buffer.from(encoded!.serializeBinary())).toEqual(generated(id, stream, expected, revision, position));
          cases++;
        }
      }
    }
    expect(cases).toBe(expectations.length * results.length * streams.length);
  });

  it('decodes with the client classes to the same fields', () => {
    const id = randomUUID();
    const bytes = encodeBatchAppendSuccess(id, 'places-hama', { kind: 'revision', revision: 41n }, 42, 9_001)!.serializeBinary();
    const decoded = streamsPb.BatchAppendResp.deserializeBinary(bytes);
    expect(decoded.getCorrelationId()!.getString()).toBe(id);
    expect(Buffer.from(decoded.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8')).toBe('places-hama');
    expect(decoded.getStreamPosition()).toBe('41');
    expect(decoded.getSuccess()!.getCurrentRevision()).toBe('42');
    expect(decoded.getSuccess()!.getPosition()!.getCommitPosition()).toBe('9001');
    expect(decoded.hasError()).toBe(false);
  });

  it('leaves an expected revision outside uint64 to the generated classes', () => {
    expect(encodeBatchAppendSuccess(randomUUID(), 's', { kind: 'revision', revision: -1n }, 0, 1)).toBeUndefined();
    expect(encodeBatchAppendSuccess(randomUUID(), 's', { kind: 'revision', revision: 2n ** 64n }, 0, 1)).toBeUndefined();
  });
});
