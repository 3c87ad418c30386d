import {
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  status,
} from '@grpc/grpc-js';
import type { DecodedBatchAppend } from './batch-append-decoding.js';
import { type EventLog, type ExpectedRevision, reportInternalError, type WriteOutcome, type WriteRequest } from './event-log.js';
import {
  allStreamPosition,
  batchMaxAppendSize,
  batchStreamDeleted,
  batchTimeout,
  batchUnknown,
  batchWrongExpectedVersion,
  grpcFailure,
  maxAppendSizeFailure,
  missingMetadataFailure,
  parseProposal,
  streamDeletedFailure,
  streamIdentifier,
  streamName,
  wrongExpectedVersionFailure,
} from './messages.js';
import {
  AppendReq,
  type AppendReqT,
  AppendResp,
  type AppendRespT,
  BatchAppendResp,
  type BatchAppendRespT,
  type DeleteReqT,
  DeleteResp,
  type DeleteRespT,
  Empty,
  GoogleEmpty,
  type TombstoneReqT,
  TombstoneResp,
  type TombstoneRespT,
  UUID,
} from './proto.js';
import type { ProposedEvent } from './storage.js';
import { encodeBatchAppendSuccess } from './wire-encoding.js';

/** Streams.Append, Streams.BatchAppend, Streams.Delete and Streams.Tombstone. */

export interface WriteLimits {
  /** Bytes of data + user metadata per append (reference default 1,048,576). */
  readonly maxAppendSize: number;
  /** Cap on how long an append may wait to be written, whatever the client's deadline. */
  readonly writeTimeoutMs: number;
}

/** The four oneof cases share numbers across Append, BatchAppend, Delete and Tombstone options. */
function expectedFrom(kase: number, revision: () => string): ExpectedRevision | undefined {
  switch (kase) {
    case 2: {
      // A malformed number can never match a revision: it becomes a wrong expected version, not a crash.
      const text = revision();
      return { kind: 'revision', revision: /^\d+$/.test(text) ? BigInt(text) : -1n };
    }
    case 3:
      return { kind: 'no_stream' };
    case 4:
      return { kind: 'any' };
    case 5:
      return { kind: 'stream_exists' };
    default:
      return undefined;
  }
}

export class WriteService {
  /** Open BatchAppend calls: the client never ends them, so shutdown does. */
  private readonly batchCalls = new Set<() => void>();

  constructor(private readonly log: EventLog, private readonly limits: WriteLimits) {}

  /** Ends every BatchAppend call (after the writes already received were answered), so the transport can stop. */
  endBatchCalls(): void {
    for (const end of [...this.batchCalls]) end();
  }

  // ---- classic Append: options first, then one event per message, answered after the client half-closes ---------

  append(call: ServerReadableStream<AppendReqT, AppendRespT>, callback: sendUnaryData<AppendRespT>): void {
    let stream: string | undefined;
    let expected: ExpectedRevision | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let finished = false;
    let cancelled = false;
    const fail = (failure: ReturnType<typeof grpcFailure>) => {
      if (finished) return;
      finished = true;
      callback(failure);
    };
    call.on('cancelled', () => {
      cancelled = true;
      finished = true;
    });
    call.on('error', () => {
      cancelled = true;
    });
    const onMessage = (request: AppendReqT) => {
      if (request.getContentCase() === AppendReq.ContentCase.OPTIONS) {
        const options = request.getOptions()!;
        stream = streamName(options.getStreamIdentifier());
        expected = expectedFrom(options.getExpectedStreamRevisionCase(), () => options.getRevision()) ?? { kind: 'any' };
        return;
      }
      const proposal = parseProposal(request.getProposedMessage()!);
      if (!proposal.ok) {
        return fail(
          proposal.reason === 'missing-metadata'
            ? missingMetadataFailure()
            : grpcFailure(status.INVALID_ARGUMENT, 'event id must be a non-empty UUID'),
        );
      }
      size += proposal.size;
      if (size > this.limits.maxAppendSize) return fail(maxAppendSizeFailure(this.limits.maxAppendSize));
      events.push(proposal.event);
    };
    call.on('data', (request: AppendReqT) => {
      if (finished) return;
      try {
        onMessage(request);
      } catch (error) {
        // Malformed input must never escape into grpc-js as an uncaught exception.
        fail(grpcFailure(status.INVALID_ARGUMENT, (error as Error).message));
      }
    });
    call.on('end', () => {
      if (finished) return;
      if (stream === undefined || expected === undefined) return fail(grpcFailure(status.INVALID_ARGUMENT, 'append options are required'));
      const target = stream;
      const deadline = call.getDeadline();
      const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number.isFinite(deadline) ? Number(deadline) : Infinity;
      void this.log
        .submit({
          kind: 'append',
          stream: target,
          expected,
          events,
          deadline: Math.min(deadlineMs, Date.now() + this.limits.writeTimeoutMs),
          isCancelled: () => cancelled,
        })
        .then((outcome) => {
          if (finished) return;
          finished = true;
          if (outcome.ok) return callback(null, appendSuccess(outcome.revision, outcome.position));
          if (outcome.error === 'wrong_expected_version') return callback(null, appendWrongExpectedVersion(outcome.current, outcome.expected));
          callback(outcomeFailure(target, outcome));
        })
        .catch(reportInternalError);
    });
  }

  // ---- BatchAppend: one never-ending call, requests multiplexed by correlation id -------------------------------

  /** Requests arrive already decoded by `decodeBatchAppendRequest` (see server.ts). */
  batchAppend(call: ServerDuplexStream<DecodedBatchAppend, BatchAppendRespT>): void {
    interface Pending {
      stream: string;
      expected: ExpectedRevision;
      events: ProposedEvent[];
      size: number;
      deadline: number;
      failed: boolean;
    }
    const pending = new Map<string, Pending>();
    let open = true;
    const send = (response: BatchAppendRespT) => {
      if (open) call.write(response);
    };
    const end = () => {
      if (open) call.end();
      open = false;
      this.batchCalls.delete(shutdown);
    };
    // At shutdown, an error status rather than a clean end: the client never half-closes this call, and its
    // dispose() waits for the call to finish, which a clean end from the server alone never does.
    const shutdown = () => {
      if (open) call.emit('error', grpcFailure(status.UNAVAILABLE, 'embedded event store is shutting down'));
      open = false;
      this.batchCalls.delete(shutdown);
    };
    this.batchCalls.add(shutdown);
    call.on('cancelled', () => {
      open = false;
      pending.clear();
      this.batchCalls.delete(shutdown);
    });
    call.on('error', () => {
      open = false;
      this.batchCalls.delete(shutdown);
    });
    call.on('end', () => {
      // The client never half-closes during normal use; answer what is in flight, then finish.
      if (pending.size === 0) setImmediate(end);
      else setTimeout(end, 1000);
    });
    call.on('data', (request: DecodedBatchAppend) => {
      try {
        const id = request.correlationId;
        let state = pending.get(id);
        if (!state) {
          if (!request.options) return; // chunk of an append already answered (early error): drop it
          const options = request.options;
          state = {
            stream: options.stream,
            expected: options.expected,
            events: [],
            size: 0,
            deadline: Math.min(options.deadlineMs, Date.now() + this.limits.writeTimeoutMs),
            failed: false,
          };
          pending.set(id, state);
        }
        const current = state;
        const respond = (build: (response: BatchAppendRespT) => void) => {
          const response = new BatchAppendResp();
          response.setCorrelationId(uuidMessage(id));
          response.setStreamIdentifier(streamIdentifier(current.stream));
          setExpectedOnResponse(response, current.expected);
          build(response);
          send(response);
        };
        const failEarly = (error: ReturnType<typeof batchUnknown>) => {
          current.failed = true;
          respond((response) => response.setError(error));
        };
        const finalChunk = request.isFinal;
        if (finalChunk) pending.delete(id);
        if (current.failed) return;
        if (Date.now() > current.deadline) return failEarly(batchTimeout());
        for (const proposal of request.proposals) {
          if (!proposal.ok) {
            return failEarly(batchUnknown(proposal.reason === 'missing-metadata' ? 'Required metadata properties are missing: type,content-type' : 'invalid event id'));
          }
          current.size += proposal.size;
          if (current.size > this.limits.maxAppendSize) return failEarly(batchMaxAppendSize(this.limits.maxAppendSize));
          current.events.push(proposal.event);
        }
        if (!finalChunk) return;
        void this.log
          .submit({ kind: 'append', stream: current.stream, expected: current.expected, events: current.events, deadline: current.deadline })
          .then((outcome) => {
            const encoded = outcome.ok ? encodeBatchAppendSuccess(id, current.stream, current.expected, outcome.revision, outcome.position) : undefined;
            if (encoded) return send(encoded);
            respond((response) => {
              if (outcome.ok) {
                const success = new BatchAppendResp.Success();
                if (outcome.revision === null) success.setNoStream(new GoogleEmpty());
                else success.setCurrentRevision(String(outcome.revision));
                if (outcome.position === null) success.setNoPosition(new GoogleEmpty());
                else success.setPosition(allStreamPosition(outcome.position));
                response.setSuccess(success);
                return;
              }
              switch (outcome.error) {
                case 'wrong_expected_version':
                  return response.setError(batchWrongExpectedVersion(outcome.expected, outcome.current));
                case 'stream_deleted':
                  return response.setError(batchStreamDeleted(current.stream));
                case 'timeout':
                  return response.setError(batchTimeout());
                default:
                  return response.setError(batchUnknown(outcome.message));
              }
            });
          })
          .catch(reportInternalError);
      } catch (error) {
        // Malformed input must never escape into grpc-js as an uncaught exception.
        reportInternalError(error);
      }
    });
  }

  // ---- Delete / Tombstone ----------------------------------------------------------------------------------------

  delete(call: ServerUnaryCall<DeleteReqT, DeleteRespT>, callback: sendUnaryData<DeleteRespT>): void {
    const options = call.request.getOptions();
    if (!options) return callback(grpcFailure(status.INVALID_ARGUMENT, 'delete options are required'));
    const stream = streamName(options.getStreamIdentifier());
    const expected = expectedFrom(options.getExpectedStreamRevisionCase(), () => options.getRevision()) ?? { kind: 'any' };
    void this.removal({ kind: 'delete', stream, expected, events: [] }, call).then((outcome) => {
      if (!outcome.ok) return callback(outcomeFailure(stream, outcome));
      const response = new DeleteResp();
      if (outcome.position === null) response.setNoPosition(new Empty());
      else {
        const position = new DeleteResp.Position();
        position.setCommitPosition(String(outcome.position));
        position.setPreparePosition(String(outcome.position));
        response.setPosition(position);
      }
      callback(null, response);
    }).catch(reportInternalError);
  }

  tombstone(call: ServerUnaryCall<TombstoneReqT, TombstoneRespT>, callback: sendUnaryData<TombstoneRespT>): void {
    const options = call.request.getOptions();
    if (!options) return callback(grpcFailure(status.INVALID_ARGUMENT, 'tombstone options are required'));
    const stream = streamName(options.getStreamIdentifier());
    const expected = expectedFrom(options.getExpectedStreamRevisionCase(), () => options.getRevision()) ?? { kind: 'any' };
    void this.removal({ kind: 'tombstone', stream, expected, events: [] }, call).then((outcome) => {
      if (!outcome.ok) return callback(outcomeFailure(stream, outcome));
      const response = new TombstoneResp();
      if (outcome.position === null) response.setNoPosition(new Empty());
      else {
        const position = new TombstoneResp.Position();
        position.setCommitPosition(String(outcome.position));
        position.setPreparePosition(String(outcome.position));
        response.setPosition(position);
      }
      callback(null, response);
    }).catch(reportInternalError);
  }

  private removal(request: WriteRequest, call: ServerUnaryCall<unknown, unknown>): Promise<WriteOutcome> {
    let cancelled = false;
    call.on('cancelled', () => {
      cancelled = true;
    });
    const deadline = call.getDeadline();
    const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number.isFinite(deadline) ? Number(deadline) : Infinity;
    return this.log.submit({ ...request, deadline: Math.min(deadlineMs, Date.now() + this.limits.writeTimeoutMs), isCancelled: () => cancelled });
  }
}

function uuidMessage(id: string): InstanceType<typeof UUID> {
  const message = new UUID();
  message.setString(id);
  return message;
}

function setExpectedOnResponse(response: BatchAppendRespT, expected: ExpectedRevision): void {
  switch (expected.kind) {
    case 'any':
      return void response.setAny(new GoogleEmpty());
    case 'no_stream':
      return void response.setNoStream(new GoogleEmpty());
    case 'stream_exists':
      return void response.setStreamExists(new GoogleEmpty());
    case 'revision':
      return void response.setStreamPosition(expected.revision.toString());
  }
}

function appendSuccess(revision: number | null, position: number | null): AppendRespT {
  const success = new AppendResp.Success();
  if (revision === null) success.setNoStream(new Empty());
  else success.setCurrentRevision(String(revision));
  if (position === null) success.setNoPosition(new Empty());
  else {
    const pos = new AppendResp.Position();
    pos.setCommitPosition(String(position));
    pos.setPreparePosition(String(position));
    success.setPosition(pos);
  }
  const response = new AppendResp();
  response.setSuccess(success);
  return response;
}

function appendWrongExpectedVersion(current: number | null, expected: ExpectedRevision): AppendRespT {
  const wev = new AppendResp.WrongExpectedVersion();
  if (current === null) wev.setCurrentNoStream(new Empty());
  else wev.setCurrentRevision(String(current));
  switch (expected.kind) {
    case 'any':
      wev.setExpectedAny(new Empty());
      break;
    case 'no_stream':
      wev.setExpectedNoStream(new Empty());
      break;
    case 'stream_exists':
      wev.setExpectedStreamExists(new Empty());
      break;
    case 'revision':
      wev.setExpectedRevision(expected.revision.toString());
      break;
  }
  const response = new AppendResp();
  response.setWrongExpectedVersion(wev);
  return response;
}

function outcomeFailure(stream: string, outcome: Exclude<WriteOutcome, { ok: true }>) {
  switch (outcome.error) {
    case 'wrong_expected_version':
      return wrongExpectedVersionFailure(stream, outcome.expected, outcome.current);
    case 'stream_deleted':
      return streamDeletedFailure(stream);
    case 'timeout':
      return grpcFailure(status.DEADLINE_EXCEEDED, 'write timed out');
    default:
      return grpcFailure(status.UNAVAILABLE, outcome.message);
  }
}

