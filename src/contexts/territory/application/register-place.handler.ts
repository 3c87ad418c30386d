import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandStore } from '../../../infrastructure/event-store/command-store.js';
import type { CommandResult } from '../../../shared/application/command-catalog.js';
import { StreamNames } from '../../../shared/domain/stream-names.js';
import { placeDecider } from '../domain/place.decider.js';
import { RegisterPlaceCommand } from './territory.commands.js';

@CommandHandler(RegisterPlaceCommand)
export class RegisterPlaceHandler implements ICommandHandler<RegisterPlaceCommand> {
  constructor(@Inject(CommandStore) private readonly store: CommandStore) {}

  async execute({ data, context }: RegisterPlaceCommand): Promise<CommandResult> {
    return this.store.handle(StreamNames.place(data.placeId), placeDecider, { type: 'RegisterPlace', data }, context);
  }
}
