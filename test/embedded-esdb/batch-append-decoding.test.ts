import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import { randomUUID } from 'node:crypto';
import { decodeBatchAppendRequest } from '../../src/infrastructure/embedded-esdb/batch-append-decoding.js';

/** The hand decoder against messages encoded by the client's own generated classes. */

function request(build: (req: InstanceType<typeof streamsPb.BatchAppendReq>) => void): Buffer {
  const req = new streamsPb.BatchAppendReq();
  build(req);
  return Buffer.from(req.serializeBinary());
}

function proposed(id: string, type?: string, contentType?: string, data = Buffer.from('{"a":1}'), metadata?: Buffer) {
  const message = new streamsPb.BatchAppendReq.ProposedMessage();
  const uuid = new sharedPb.UUID();
  uuid.setString(id);
  message.setId(uuid);
  if (type !== undefined) message.getMetadataMap().set('type', type);
  if (contentType !== undefined) message.getMetadataMap().set('content-type', contentType);
  message.setData(data);
  if (metadata) message.setCustomMetadata(metadata);
  return message;
}

test('decodes correlation id, options with each expected revision, deadline, events and is_final', () => {
  const correlation = randomUUID();
  const cases: [(o: InstanceType<typeof streamsPb.BatchAppendReq.Options>) => void, unknown][] = [
    [(o) => o.setStreamPosition('12345678901'), { kind: 'revision', revision: 12345678901n }],
    [(o) => o.setNoStream(new emptyPb.Empty()), { kind: 'no_stream' }],
    [(o) => o.setAny(new emptyPb.Empty()), { kind: 'any' }],
    [(o) => o.setStreamExists(new emptyPb.Empty()), { kind: 'stream_exists' }],
  ];
  for (const [setExpected, expected] of cases) {
    const id = randomUUID();
    const bytes = request((req) => {
      const uuid = new sharedPb.UUID();
      uuid.setString(correlation);
      req.setCorrelationId(uuid);
      const options = new streamsPb.BatchAppendReq.Options();
      const stream = new sharedPb.StreamIdentifier();
      stream.setStreamName(Buffer.from('città-🏛️'));
      options.setStreamIdentifier(stream);
      setExpected(options);
      options.setDeadline(timestampPb.Timestamp.fromDate(new Date(1_800_000_000_123)));
      req.setOptions(options);
      req.addProposedMessages(proposed(id.toUpperCase(), 'Seized', 'application/json', Buffer.from('{"x":"\u0018\u0118"}'), Buffer.from([1, 2])));
      req.addProposedMessages(proposed(randomUUID(), 'Blob', 'application/octet-stream', Buffer.from([0, 255])));
      req.setIsFinal(true);
    });
    const decoded = decodeBatchAppendRequest(bytes);
    expect(decoded.correlationId).toBe(correlation);
    expect(decoded.options).toEqual({ stream: 'città-🏛️', expected, deadlineMs: 1_800_000_000_123 });
    expect(decoded.isFinal).toBe(true);
    expect(decoded.proposals).toHaveLength(2);
    const [first, second] = decoded.proposals;
    expect(first).toEqual({
      ok: true,
      event: { eventId: id, type: 'Seized', isJson: true, data: Buffer.from('{"x":"\u0018\u0118"}'), metadata: Buffer.from([1, 2]) },
      size: Buffer.byteLength('{"x":"\u0018\u0118"}') + 2,
    });
    expect(second.ok && second.event.isJson).toBe(false);
  }
});

test('a structured correlation id, a later chunk without options, and invalid proposals', () => {
  const bytes = request((req) => {
    const uuid = new sharedPb.UUID();
    const structured = new sharedPb.UUID.Structured();
    structured.setMostSignificantBits('-1');
    structured.setLeastSignificantBits('1');
    uuid.setStructured(structured);
    req.setCorrelationId(uuid);
    req.addProposedMessages(proposed(randomUUID(), undefined, 'application/json'));
    req.addProposedMessages(proposed('not-a-uuid', 'T', 'application/json'));
  });
  const decoded = decodeBatchAppendRequest(bytes);
  expect(decoded.correlationId).toBe('ffffffff-ffff-ffff-0000-000000000001');
  expect(decoded.options).toBeUndefined();
  expect(decoded.isFinal).toBe(false);
  expect(decoded.proposals).toEqual([
    { ok: false, reason: 'missing-metadata' },
    { ok: false, reason: 'bad-id' },
  ]);
});
