import type { ExpectedRevision } from './event-log.js';
import type { ProposedEvent } from './storage.js';

/**
 * Hand-written decoder of `BatchAppendReq` (streams.proto, client 6.2.1), the hottest inbound message: a
 * 1,000-event append would otherwise become thousands of google-protobuf objects before being copied again.
 * It yields plain data, validated as the handler needs it. Field numbers:
 *   BatchAppendReq { UUID correlation_id = 1; Options options = 2; repeated ProposedMessage proposed_messages = 3; bool is_final = 4 }
 *   Options { StreamIdentifier stream_identifier = 1; oneof { uint64 stream_position = 2; Empty no_stream = 3;
 *             Empty any = 4; Empty stream_exists = 5 }; google.protobuf.Timestamp deadline = 6 }
 *   ProposedMessage { UUID id = 1; map<string,string> metadata = 2; bytes custom_metadata = 3; bytes data = 4 }
 *   UUID { oneof { Structured structured = 1 { int64 most = 1; int64 least = 2 }; string string = 2 } }
 *   StreamIdentifier { bytes stream_name = 3 }   Timestamp { int64 seconds = 1; int32 nanos = 2 }
 */

export type DecodedProposal = { ok: true; event: ProposedEvent; size: number } | { ok: false; reason: 'missing-metadata' | 'bad-id' };

export interface DecodedBatchAppend {
  /** Canonical lower-case form, '' when absent. */
  readonly correlationId: string;
  readonly options?: { readonly stream: string; readonly expected: ExpectedRevision; readonly deadlineMs: number };
  readonly proposals: DecodedProposal[];
  readonly isFinal: boolean;
}

const utf8 = new TextDecoder('utf-8');
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a JS number; exact below 2^53, which covers tags, lengths, booleans and revisions in practice. */
  varint(): number {
    let result = 0;
    let factor = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.buf[this.pos++];
      result += (byte & 0x7f) * factor;
      if (byte < 0x80) return result;
      factor *= 128;
    }
    throw new Error('varint too long');
  }

  bigVarint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new Error('varint too long');
  }

  /** A sub-reader over a length-delimited field. */
  sub(): Reader {
    const length = this.varint();
    const start = this.pos;
    if (start + length > this.end) throw new Error('truncated field');
    this.pos += length;
    return new Reader(this.buf, start, start + length);
  }

  bytes(): Buffer {
    const sub = this.sub();
    return this.buf.subarray(sub.pos, sub.end);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.sub();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
  }
}

function readUuid(r: Reader): string | undefined {
  let text: string | undefined;
  while (!r.done()) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    if (field === 2 && tag % 8 === 2) {
      text = utf8.decode(r.bytes()).toLowerCase();
    } else if (field === 1 && tag % 8 === 2) {
      const s = r.sub();
      let most = 0n;
      let least = 0n;
      while (!s.done()) {
        const t = s.varint();
        if (t === 8) most = s.bigVarint();
        else if (t === 16) least = s.bigVarint();
        else s.skip(t % 8);
      }
      const hex = most.toString(16).padStart(16, '0') + least.toString(16).padStart(16, '0');
      text = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    } else {
      r.skip(tag % 8);
    }
  }
  return text !== undefined && UUID_PATTERN.test(text) ? text : undefined;
}

function readStreamName(r: Reader): string {
  let name = '';
  while (!r.done()) {
    const tag = r.varint();
    if (tag === 26) name = utf8.decode(r.bytes());
    else r.skip(tag % 8);
  }
  return name;
}

function readTimestampMs(r: Reader): number {
  let seconds = 0;
  let nanos = 0;
  while (!r.done()) {
    const tag = r.varint();
    if (tag === 8) seconds = Number(BigInt.asIntN(64, r.bigVarint()));
    else if (tag === 16) nanos = Number(BigInt.asIntN(32, r.bigVarint()));
    else r.skip(tag % 8);
  }
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

function readOptions(r: Reader): NonNullable<DecodedBatchAppend['options']> {
  let stream = '';
  let expected: ExpectedRevision = { kind: 'any' };
  let deadlineMs = Infinity;
  while (!r.done()) {
    const tag = r.varint();
    switch (tag) {
      case 10:
        stream = readStreamName(r.sub());
        break;
      case 16:
        expected = { kind: 'revision', revision: r.bigVarint() };
        break;
      case 26:
        r.sub();
        expected = { kind: 'no_stream' };
        break;
      case 34:
        r.sub();
        expected = { kind: 'any' };
        break;
      case 42:
        r.sub();
        expected = { kind: 'stream_exists' };
        break;
      case 50:
        deadlineMs = readTimestampMs(r.sub());
        break;
      default:
        r.skip(tag % 8);
    }
  }
  return { stream, expected, deadlineMs };
}

const EMPTY = Buffer.alloc(0);

function readProposal(r: Reader): DecodedProposal {
  let id: string | undefined;
  let type: string | undefined;
  let contentType: string | undefined;
  let data: Buffer = EMPTY;
  let metadata: Buffer = EMPTY;
  while (!r.done()) {
    const tag = r.varint();
    switch (tag) {
      case 10:
        id = readUuid(r.sub());
        break;
      case 18: {
        const entry = r.sub();
        let key = '';
        let value = '';
        while (!entry.done()) {
          const t = entry.varint();
          if (t === 10) key = utf8.decode(entry.bytes());
          else if (t === 18) value = utf8.decode(entry.bytes());
          else entry.skip(t % 8);
        }
        if (key === 'type') type = value;
        else if (key === 'content-type') contentType = value;
        break;
      }
      case 26:
        metadata = r.bytes();
        break;
      case 34:
        data = r.bytes();
        break;
      default:
        r.skip(tag % 8);
    }
  }
  if (!type || !contentType) return { ok: false, reason: 'missing-metadata' };
  if (!id || id === '00000000-0000-0000-0000-000000000000') return { ok: false, reason: 'bad-id' };
  // Copy out of the request buffer: stored events must not pin the whole (up to 3 MiB) chunk in memory.
  return {
    ok: true,
    event: { eventId: id, type, isJson: contentType === 'application/json', data: Buffer.from(data), metadata: Buffer.from(metadata) },
    size: data.length + metadata.length,
  };
}

export function decodeBatchAppendRequest(buffer: Buffer): DecodedBatchAppend {
  const r = new Reader(buffer);
  let correlationId = '';
  let options: DecodedBatchAppend['options'];
  const proposals: DecodedProposal[] = [];
  let isFinal = false;
  while (!r.done()) {
    const tag = r.varint();
    switch (tag) {
      case 10:
        correlationId = readUuid(r.sub()) ?? '';
        break;
      case 18:
        options = readOptions(r.sub());
        break;
      case 26:
        proposals.push(readProposal(r.sub()));
        break;
      case 32:
        isFinal = r.varint() !== 0;
        break;
      default:
        r.skip(tag % 8);
    }
  }
  return { correlationId, options, proposals, isFinal };
}
