import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandStore } from '../../../infrastructure/event-store/command-store.js';
import type { CommandResult } from '../../../shared/application/command-catalog.js';
import { StreamNames } from '../../../shared/domain/stream-names.js';
import { personDecider } from '../domain/person.decider.js';
import { RegisterPersonCommand } from './leadership.commands.js';

@CommandHandler(RegisterPersonCommand)
export class RegisterPersonHandler implements ICommandHandler<RegisterPersonCommand> {
  constructor(@Inject(CommandStore) private readonly store: CommandStore) {}

  async execute({ data, context }: RegisterPersonCommand): Promise<CommandResult> {
    return this.store.handle(StreamNames.person(data.personId), personDecider, { type: 'RegisterPerson', data }, context);
  }
}
