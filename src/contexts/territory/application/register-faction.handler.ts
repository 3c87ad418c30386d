import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandStore } from '../../../infrastructure/event-store/command-store.js';
import type { CommandResult } from '../../../shared/application/command-catalog.js';
import { StreamNames } from '../../../shared/domain/stream-names.js';
import { factionDecider } from '../domain/faction.decider.js';
import { RegisterFactionCommand } from './territory.commands.js';

@CommandHandler(RegisterFactionCommand)
export class RegisterFactionHandler implements ICommandHandler<RegisterFactionCommand> {
  constructor(@Inject(CommandStore) private readonly store: CommandStore) {}

  async execute({ data, context }: RegisterFactionCommand): Promise<CommandResult> {
    return this.store.handle(StreamNames.faction(data.factionId), factionDecider, { type: 'RegisterFaction', data }, context);
  }
}
