import type { EventStoreDBClient } from '@eventstore/db-client';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { CommandContext, CommandResult } from '../../shared/application/command-catalog.js';
import { AppConfig } from '../../config/app-config.js';
import { Clock } from '../../shared/domain/clock.js';
import type { Decider, DomainEvent } from '../../shared/domain/decider.js';
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
    if (context.idempotencyKey !== undefined) {
      const firstStream = await this.keys()?.streamOf(context.idempotencyKey);
      if (firstStream !== undefined && firstStream !== streamName) throw idempotencyKeyReused(firstStream);
    }
    return handleCommand(this.client, streamName, decider, command, { context, clock: this.clock, cache: this.cache });
  }
}
