import type { EventStoreDBClient } from '@eventstore/db-client';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { CommandContext, CommandResult } from '../../shared/application/command-catalog.js';
import { AppConfig } from '../../config/app-config.js';
import { Clock } from '../../shared/domain/clock.js';
import type { Decider, DomainEvent } from '../../shared/domain/decider.js';
import { DomainError } from '../../shared/domain/domain-error.js';
import { EVENT_STORE_CLIENT } from './event-store.tokens.js';
import { handleCommand, idempotencyKeyReused } from './handle-command.js';
import { IdempotencyKeyIndex } from './idempotency-keys.js';
import { StreamCache } from './stream-cache.js';

/** handleCommand with the app's client and Clock: what command handlers inject. */
@Injectable()
export class CommandStore {
  constructor(
    @Inject(EVENT_STORE_CLIENT) private readonly client: EventStoreDBClient,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.cache = config.STREAM_CACHE_EVENTS > 0 ? new StreamCache(config.STREAM_CACHE_EVENTS) : undefined;
  }

  /** Streams this process saw last (see StreamCache); undefined when STREAM_CACHE_EVENTS=0. */
  private readonly cache: StreamCache | undefined;

  private keyIndex?: IdempotencyKeyIndex | null;

  /** Keys this process used last, checked before the audit index (see RecentIdempotencyKeys). */
  private readonly recentKeys = new RecentIdempotencyKeys();

  /** Provided by a context (the audit index) when the app has one; null otherwise (e.g. a bench's bare app). */
  private keys(): IdempotencyKeyIndex | null {
    if (this.keyIndex === undefined) {
      try {
        this.keyIndex = this.moduleRef.get(IdempotencyKeyIndex, { strict: false });
      } catch {
        this.keyIndex = null;
      }
    }
    return this.keyIndex;
  }

  async handle<Command extends { type: string }, Event extends DomainEvent, State>(
    streamName: string,
    decider: Decider<Command, Event, State>,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult> {
    const key = context.idempotencyKey;
    if (key === undefined) return handleCommand(this.client, streamName, decider, command, { context, clock: this.clock, cache: this.cache });
    // Checked and claimed in one synchronous step, before any await: of two requests racing with one key for two
    // streams in this process, the second is refused even though the audit index has seen neither yet.
    const claimed = this.recentKeys.claim(key, streamName);
    if (claimed !== streamName) throw idempotencyKeyReused(claimed);
    try {
      const firstStream = await this.keys()?.streamOf(key);
      if (firstStream !== undefined && firstStream !== streamName) throw idempotencyKeyReused(firstStream);
      const result = await handleCommand(this.client, streamName, decider, command, { context, clock: this.clock, cache: this.cache });
      this.recentKeys.settle(key, streamName, true);
      return result;
    } catch (error) {
      // A refusal (a DomainError) appended nothing; anything else (the store unreachable mid-append) may have.
      this.recentKeys.settle(key, streamName, !(error instanceof DomainError));
      throw error;
    }
  }
}

/** How many Idempotency-Keys this process remembers with their stream (a Map entry each: ~200 bytes with the key). */
export const RECENT_IDEMPOTENCY_KEYS = 10_000;

/**
 * The streams of the Idempotency-Keys this process used last, oldest forgotten first. It closes the window in which
 * the audit index (which trails the log) does not yet know a key's first stream, for requests to this process;
 * requests to two processes (two API instances, the API and an import) within that window are not told apart.
 */
export class RecentIdempotencyKeys {
  private readonly streams = new Map<string, { stream: string; pending: number; used: boolean }>();

  constructor(private readonly capacity = RECENT_IDEMPOTENCY_KEYS) {}

  /** The stream this key is bound to: `stream` itself when the key is new here (it is then claimed for it). */
  claim(key: string, stream: string): string {
    const known = this.streams.get(key);
    if (known) {
      if (known.stream === stream) known.pending++;
      return known.stream;
    }
    this.streams.set(key, { stream, pending: 1, used: false });
    if (this.streams.size > this.capacity) this.streams.delete(this.streams.keys().next().value as string);
    return stream;
  }

  /**
   * A claimed request ended. `used`: it may have appended (or found its first result), so the key stays bound; a
   * key no request ever used is forgotten once none holds it, free for another stream.
   */
  settle(key: string, stream: string, used: boolean): void {
    const known = this.streams.get(key);
    if (!known || known.stream !== stream) return;
    known.pending--;
    known.used ||= used;
    if (known.pending <= 0 && !known.used) this.streams.delete(key);
  }
}
