import { Metadata, status } from '@grpc/grpc-js';
import type { ExpectedRevision } from './event-log.js';
import {
  AllStreamPosition,
  Any,
  GoogleEmpty,
  ReadResp,
  type ReadRespT,
  SharedPb,
  Status,
  StreamIdentifier,
  type StreamIdentifierT,
  type UUIDT,
} from './proto.js';
import { encodeEventResponse } from './wire-encoding.js';
import type { ProposedEvent, StoredEvent } from './storage.js';

/** Builders and parsers of wire messages; every message is built from the generated classes (see proto.ts). */

const utf8 = new TextDecoder('utf-8');

export function streamName(identifier: StreamIdentifierT | undefined): string {
  return identifier ? utf8.decode(identifier.getStreamName_asU8()) : '';
}

export function streamIdentifier(name: string): StreamIdentifierT {
  const id = new StreamIdentifier();
  id.setStreamName(Buffer.from(name, 'utf8'));
  return id;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The canonical lower-case string form; `undefined` when the id is missing or malformed. */
export function uuidString(uuid: UUIDT | undefined): string | undefined {
  if (!uuid) return undefined;
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    const buffer = Buffer.alloc(16);
    buffer.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())), 0);
    buffer.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())), 8);
    const hex = buffer.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = uuid.getString().toLowerCase();
  return UUID_PATTERN.test(text) ? text : undefined;
}

/** Parse a uint64 decimal string, clamped to what a JS number can count exactly. */
export function parseCount(value: string): number {
  const big = BigInt(value || '0');
  return big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
}

const plainEventMessages = new WeakMap<StoredEvent, ReadRespT>();

/** A `ReadResp{event}`; with `target` given, `event` is a link and `target` its resolved event (null: broken link). */
export function eventMessage(event: StoredEvent, target?: StoredEvent | null): ReadRespT {
  if (target !== undefined) return encodeEventResponse(event, target);
  // The same committed event goes to every live subscriber: encode it once.
  let message = plainEventMessages.get(event);
  if (!message) {
    message = encodeEventResponse(event);
    plainEventMessages.set(event, message);
  }
  return message;
}

export function confirmationMessage(id: string): ReadRespT {
  const confirmation = new ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(id);
  const response = new ReadResp();
  response.setConfirmation(confirmation);
  return response;
}

export function caughtUpMessage(): ReadRespT {
  const response = new ReadResp();
  response.setCaughtUp(new ReadResp.CaughtUp());
  return response;
}

export function checkpointMessage(position: number): ReadRespT {
  const checkpoint = new ReadResp.Checkpoint();
  checkpoint.setCommitPosition(String(position));
  checkpoint.setPreparePosition(String(position));
  const response = new ReadResp();
  response.setCheckpoint(checkpoint);
  return response;
}

export function streamNotFoundMessage(stream: string): ReadRespT {
  const notFound = new ReadResp.StreamNotFound();
  notFound.setStreamIdentifier(streamIdentifier(stream));
  const response = new ReadResp();
  response.setStreamNotFound(notFound);
  return response;
}

export function allStreamPosition(position: number): InstanceType<typeof AllStreamPosition> {
  const message = new AllStreamPosition();
  message.setCommitPosition(String(position));
  message.setPreparePosition(String(position));
  return message;
}

// ---- errors ------------------------------------------------------------------------------------------------------

export interface GrpcFailure {
  code: status;
  details: string;
  metadata: Metadata;
  name: string;
  message: string;
}

export function grpcFailure(code: status, details: string, trailers: Record<string, string> = {}): GrpcFailure {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return { code, details, metadata, name: 'EmbeddedEventStoreError', message: details };
}

export function expectedVersionNumber(expected: ExpectedRevision): string {
  switch (expected.kind) {
    case 'any':
      return '-2';
    case 'no_stream':
      return '-1';
    case 'stream_exists':
      return '-4';
    case 'revision':
      return expected.revision.toString();
  }
}

export function wrongExpectedVersionFailure(stream: string, expected: ExpectedRevision, current: number | null): GrpcFailure {
  return grpcFailure(status.FAILED_PRECONDITION, `Wrong expected version for stream ${stream}`, {
    exception: 'wrong-expected-version',
    'stream-name': stream,
    'expected-version': expectedVersionNumber(expected),
    'actual-version': current === null ? '-1' : String(current),
  });
}

export function streamDeletedFailure(stream: string): GrpcFailure {
  return grpcFailure(status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': stream,
  });
}

export function maxAppendSizeFailure(limit: number): GrpcFailure {
  return grpcFailure(status.INVALID_ARGUMENT, `Maximum append size of ${limit} exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(limit),
  });
}

export function missingMetadataFailure(): GrpcFailure {
  return grpcFailure(status.INVALID_ARGUMENT, 'Required metadata properties are missing.', {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': 'type,content-type',
  });
}

/** In-band BatchAppend error: a google.rpc.Status whose single Any names the client's error class. */
export function batchStatus(code: status, message: string, typeName: string, payload: { serializeBinary(): Uint8Array }): InstanceType<typeof Status> {
  const details = new Any();
  details.setTypeUrl(`type.googleapis.com/event_store.client.${typeName}`);
  details.setValue(payload.serializeBinary());
  const result = new Status();
  result.setCode(code as number);
  result.setMessage(message);
  result.setDetails(details);
  return result;
}

export function batchWrongExpectedVersion(expected: ExpectedRevision, current: number | null): InstanceType<typeof Status> {
  const wev = new SharedPb.WrongExpectedVersion();
  if (current === null) wev.setCurrentNoStream(new GoogleEmpty());
  else wev.setCurrentStreamRevision(String(current));
  switch (expected.kind) {
    case 'any':
      wev.setExpectedAny(new GoogleEmpty());
      break;
    case 'no_stream':
      wev.setExpectedNoStream(new GoogleEmpty());
      break;
    case 'stream_exists':
      wev.setExpectedStreamExists(new GoogleEmpty());
      break;
    case 'revision':
      wev.setExpectedStreamPosition(expected.revision.toString());
      break;
  }
  return batchStatus(status.ALREADY_EXISTS, 'Wrong expected version', 'WrongExpectedVersion', wev);
}

export function batchStreamDeleted(stream: string): InstanceType<typeof Status> {
  const deleted = new SharedPb.StreamDeleted();
  deleted.setStreamIdentifier(streamIdentifier(stream));
  return batchStatus(status.NOT_FOUND, `Event stream '${stream}' is deleted.`, 'StreamDeleted', deleted);
}

export function batchTimeout(): InstanceType<typeof Status> {
  return batchStatus(status.DEADLINE_EXCEEDED, 'Timeout', 'Timeout', new SharedPb.Timeout());
}

export function batchMaxAppendSize(limit: number): InstanceType<typeof Status> {
  const exceeded = new SharedPb.MaximumAppendSizeExceeded();
  exceeded.setMaxappendsize(limit);
  return batchStatus(status.INVALID_ARGUMENT, `Maximum append size of ${limit} exceeded.`, 'MaximumAppendSizeExceeded', exceeded);
}

export function batchUnknown(message: string): InstanceType<typeof Status> {
  return batchStatus(status.UNKNOWN, message, 'Unknown', new SharedPb.Unknown());
}

// ---- proposed events ---------------------------------------------------------------------------------------------

interface ProposedMessageLike {
  getId(): UUIDT | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

export type ParsedProposal = { ok: true; event: ProposedEvent; size: number } | { ok: false; reason: 'missing-metadata' | 'bad-id' };

export function parseProposal(message: ProposedMessageLike): ParsedProposal {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (!type || !contentType) return { ok: false, reason: 'missing-metadata' };
  const eventId = uuidString(message.getId());
  if (!eventId || eventId === '00000000-0000-0000-0000-000000000000') return { ok: false, reason: 'bad-id' };
  const data = message.getData_asU8();
  const custom = message.getCustomMetadata_asU8();
  return {
    ok: true,
    event: { eventId, type, isJson: contentType === 'application/json', data, metadata: custom },
    size: data.byteLength + custom.byteLength,
  };
}

