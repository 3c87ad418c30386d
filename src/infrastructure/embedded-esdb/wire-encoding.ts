import type { ExpectedRevision } from './event-log.js';
import { BatchAppendResp, type BatchAppendRespT, ReadResp } from './proto.js';
import { type StoredEvent, TOMBSTONE_REVISION, TOMBSTONE_WIRE_REVISION } from './storage.js';

/**
 * Hand-written protobuf encoding of the two hot messages, `ReadResp { event: ReadEvent { event, link, commit_position } }`
 * (every event of every read and subscription goes through it) and the success of a `BatchAppendResp` (every
 * append). The results are still instances of the generated classes, as the service serializers require; only
 * `serializeBinary` returns the pre-encoded bytes, which are those the generated classes would write.
 * Field numbers are those of streams.proto / shared.proto in @eventstore/db-client 6.2.1.
 */

class PreEncodedReadResp extends ReadResp {
  constructor(private readonly bytes: Uint8Array) {
    super();
  }
  override serializeBinary(): Uint8Array {
    return this.bytes;
  }
}

class PreEncodedBatchAppendResp extends BatchAppendResp {
  constructor(private readonly bytes: Uint8Array) {
    super();
  }
  override serializeBinary(): Uint8Array {
    return this.bytes;
  }
}

const LENGTH_DELIMITED = 2;
const VARINT = 0;

function varintSize(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function bigVarintSize(value: bigint): number {
  let size = 1;
  while (value >= 128n) {
    value >>= 7n;
    size++;
  }
  return size;
}

class Writer {
  private readonly buffer: Buffer;
  private offset = 0;
  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }
  varint(value: number): void {
    while (value >= 128) {
      this.buffer[this.offset++] = (value % 128) | 128;
      value = Math.floor(value / 128);
    }
    this.buffer[this.offset++] = value;
  }
  bigVarint(value: bigint): void {
    while (value >= 128n) {
      this.buffer[this.offset++] = Number(value & 127n) | 128;
      value >>= 7n;
    }
    this.buffer[this.offset++] = Number(value);
  }
  bytes(source: Uint8Array): void {
    this.buffer.set(source, this.offset);
    this.offset += source.byteLength;
  }
  /** The tag and length of a length-delimited field (its content follows). */
  header(field: number, length: number): void {
    this.varint(tag(field, LENGTH_DELIMITED));
    this.varint(length);
  }
  bytesField(field: number, source: Uint8Array): void {
    this.header(field, source.byteLength);
    this.bytes(source);
  }
  uintField(field: number, value: number): void {
    this.varint(tag(field, VARINT));
    this.varint(value);
  }
  result(): Buffer {
    return this.offset === this.buffer.length ? this.buffer : this.buffer.subarray(0, this.offset);
  }
}

const tag = (field: number, wire: number) => field * 8 + wire;
const lengthDelimitedSize = (field: number, length: number) => varintSize(tag(field, LENGTH_DELIMITED)) + varintSize(length) + length;
const TOMBSTONE_BIG = BigInt(TOMBSTONE_WIRE_REVISION);
const created = new Map<number, Buffer>();

function createdTicks(ms: number): Buffer {
  let text = created.get(ms);
  if (!text) {
    if (created.size > 1000) created.clear();
    text = Buffer.from(ms === 0 ? '0' : `${ms}0000`, 'latin1');
    created.set(ms, text);
  }
  return text;
}

const KEY_TYPE = Buffer.from('type');
const KEY_CONTENT_TYPE = Buffer.from('content-type');
const KEY_CREATED = Buffer.from('created');
const JSON_TYPE = Buffer.from('application/json');
const OCTET_TYPE = Buffer.from('application/octet-stream');

function mapEntrySize(key: Buffer, value: Buffer): number {
  return lengthDelimitedSize(1, key.length) + lengthDelimitedSize(2, value.length);
}

function writeMapEntry(w: Writer, field: number, key: Buffer, value: Buffer): void {
  w.varint(tag(field, LENGTH_DELIMITED));
  w.varint(mapEntrySize(key, value));
  w.varint(tag(1, LENGTH_DELIMITED));
  w.varint(key.length);
  w.bytes(key);
  w.varint(tag(2, LENGTH_DELIMITED));
  w.varint(value.length);
  w.bytes(value);
}

interface RecordedLayout {
  readonly size: number;
  write(w: Writer): void;
}

function recordedLayout(event: StoredEvent): RecordedLayout {
  const id = Buffer.from(event.eventId, 'latin1');
  const stream = Buffer.from(event.stream, 'utf8');
  const type = Buffer.from(event.type, 'utf8');
  const contentType = event.isJson ? JSON_TYPE : OCTET_TYPE;
  const createdText = createdTicks(event.createdMs);
  const tombstone = event.revision === TOMBSTONE_REVISION;
  const uuidSize = lengthDelimitedSize(2, id.length);
  const streamIdSize = lengthDelimitedSize(3, stream.length);
  const revisionSize = tombstone ? 9 : varintSize(event.revision);
  const positionSize = varintSize(event.position);
  const typeEntry = mapEntrySize(KEY_TYPE, type);
  const contentEntry = mapEntrySize(KEY_CONTENT_TYPE, contentType);
  const createdEntry = mapEntrySize(KEY_CREATED, createdText);
  const size =
    lengthDelimitedSize(1, uuidSize) +
    lengthDelimitedSize(2, streamIdSize) +
    1 + revisionSize +
    2 * (1 + positionSize) +
    lengthDelimitedSize(6, typeEntry) +
    lengthDelimitedSize(6, contentEntry) +
    lengthDelimitedSize(6, createdEntry) +
    lengthDelimitedSize(7, event.metadata.length) +
    lengthDelimitedSize(8, event.data.length);
  return {
    size,
    write(w) {
      w.varint(tag(1, LENGTH_DELIMITED));
      w.varint(uuidSize);
      w.varint(tag(2, LENGTH_DELIMITED));
      w.varint(id.length);
      w.bytes(id);
      w.varint(tag(2, LENGTH_DELIMITED));
      w.varint(streamIdSize);
      w.varint(tag(3, LENGTH_DELIMITED));
      w.varint(stream.length);
      w.bytes(stream);
      w.varint(tag(3, VARINT));
      if (tombstone) w.bigVarint(TOMBSTONE_BIG);
      else w.varint(event.revision);
      w.varint(tag(4, VARINT));
      w.varint(event.position);
      w.varint(tag(5, VARINT));
      w.varint(event.position);
      writeMapEntry(w, 6, KEY_TYPE, type);
      writeMapEntry(w, 6, KEY_CONTENT_TYPE, contentType);
      writeMapEntry(w, 6, KEY_CREATED, createdText);
      w.varint(tag(7, LENGTH_DELIMITED));
      w.varint(event.metadata.length);
      w.bytes(event.metadata);
      w.varint(tag(8, LENGTH_DELIMITED));
      w.varint(event.data.length);
      w.bytes(event.data);
    },
  };
}

/**
 * `ReadResp{event: ReadEvent}` for `event`. With `target` given (link resolution), `event` is the link record and
 * `target` the resolved event, or null when the link points nowhere.
 */
export function encodeEventResponse(event: StoredEvent, target?: StoredEvent | null): InstanceType<typeof ReadResp> {
  const primary = target === undefined ? recordedLayout(event) : target === null ? undefined : recordedLayout(target);
  const link = target === undefined ? undefined : recordedLayout(event);
  const readEventSize =
    (primary ? lengthDelimitedSize(1, primary.size) : 0) + (link ? lengthDelimitedSize(2, link.size) : 0) + 1 + varintSize(event.position);
  const total = lengthDelimitedSize(1, readEventSize);
  const w = new Writer(total);
  w.varint(tag(1, LENGTH_DELIMITED));
  w.varint(readEventSize);
  if (primary) {
    w.varint(tag(1, LENGTH_DELIMITED));
    w.varint(primary.size);
    primary.write(w);
  }
  if (link) {
    w.varint(tag(2, LENGTH_DELIMITED));
    w.varint(link.size);
    link.write(w);
  }
  w.varint(tag(3, VARINT));
  w.varint(event.position);
  return new PreEncodedReadResp(w.result());
}

const EXPECTED_EMPTY_FIELD = { no_stream: 6, any: 7, stream_exists: 8 } as const;
const UINT64_LIMIT = 2n ** 64n;

/**
 * `BatchAppendResp { correlation_id, success, stream_identifier, expected_stream_position }` for an append that
 * succeeded, with fields in the generated serializer's order. `undefined` for an expected revision outside uint64
 * (only a malformed one can be), which the caller leaves to the generated classes.
 */
export function encodeBatchAppendSuccess(
  correlationId: string,
  stream: string,
  expected: ExpectedRevision,
  revision: number | null,
  position: number | null,
): BatchAppendRespT | undefined {
  if (expected.kind === 'revision' && (expected.revision < 0n || expected.revision >= UINT64_LIMIT)) return undefined;
  const id = Buffer.from(correlationId, 'utf8');
  const name = Buffer.from(stream, 'utf8');
  const uuidSize = lengthDelimitedSize(2, id.length);
  const positionSize = position === null ? 0 : 2 * (1 + varintSize(position));
  const successSize =
    (revision === null ? lengthDelimitedSize(2, 0) : 1 + varintSize(revision)) +
    (position === null ? lengthDelimitedSize(4, 0) : lengthDelimitedSize(3, positionSize));
  // proto3: an empty stream name is not written at all, as the generated serializer does.
  const streamIdSize = name.length === 0 ? 0 : lengthDelimitedSize(3, name.length);
  const expectedSize = expected.kind === 'revision' ? 1 + bigVarintSize(expected.revision) : 2;
  const w = new Writer(lengthDelimitedSize(1, uuidSize) + lengthDelimitedSize(3, successSize) + lengthDelimitedSize(4, streamIdSize) + expectedSize);
  w.header(1, uuidSize);
  w.bytesField(2, id);
  w.header(3, successSize);
  if (revision === null) w.header(2, 0);
  else w.uintField(1, revision);
  if (position === null) w.header(4, 0);
  else {
    w.header(3, positionSize);
    w.uintField(1, position);
    w.uintField(2, position);
  }
  w.header(4, streamIdSize);
  if (name.length > 0) w.bytesField(3, name);
  if (expected.kind === 'revision') {
    w.varint(tag(5, VARINT));
    w.bigVarint(expected.revision);
  } else w.header(EXPECTED_EMPTY_FIELD[expected.kind], 0);
  return new PreEncodedBatchAppendResp(w.result());
}
