import type { EventStoreDBClient } from '@eventstore/db-client';
import { Inject, Injectable } from '@nestjs/common';
import type { CommandContext, CommandResult } from '../../shared/application/command-catalog.js';
import { Clock } from '../../shared/domain/clock.js';
import type { Decider, DomainEvent } from '../../shared/domain/decider.js';
import { EVENT_STORE_CLIENT } from './event-store.tokens.js';
import { handleCommand } from './handle-command.js';

/** handleCommand with the app's client and Clock: what command handlers inject. */
@Injectable()
export class CommandStore {
  constructor(
    @Inject(EVENT_STORE_CLIENT) private readonly client: EventStoreDBClient,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  handle<Command extends { type: string }, Event extends DomainEvent, State>(
    streamName: string,
    decider: Decider<Command, Event, State>,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult> {
    return handleCommand(this.client, streamName, decider, command, { context, clock: this.clock });
  }
}
