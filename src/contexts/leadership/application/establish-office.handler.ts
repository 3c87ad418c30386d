import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandStore } from '../../../infrastructure/event-store/command-store.js';
import type { CommandResult } from '../../../shared/application/command-catalog.js';
import { StreamNames } from '../../../shared/domain/stream-names.js';
import { officeDecider } from '../domain/office.decider.js';
import { EstablishOfficeCommand } from './leadership.commands.js';

@CommandHandler(EstablishOfficeCommand)
export class EstablishOfficeHandler implements ICommandHandler<EstablishOfficeCommand> {
  constructor(@Inject(CommandStore) private readonly store: CommandStore) {}

  async execute({ data, context }: EstablishOfficeCommand): Promise<CommandResult> {
    return this.store.handle(StreamNames.office(data.officeId), officeDecider, { type: 'EstablishOffice', data }, context);
  }
}
