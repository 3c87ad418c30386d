import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandStore } from '../../../infrastructure/event-store/command-store.js';
import { ReferenceChecker } from '../../../infrastructure/event-store/reference-checker.js';
import type { CommandResult } from '../../../shared/application/command-catalog.js';
import { StreamNames } from '../../../shared/domain/stream-names.js';
import { officeDecider } from '../domain/office.decider.js';
import { LeaveOfficeCommand } from './leadership.commands.js';

@CommandHandler(LeaveOfficeCommand)
export class LeaveOfficeHandler implements ICommandHandler<LeaveOfficeCommand> {
  constructor(
    @Inject(CommandStore) private readonly store: CommandStore,
    @Inject(ReferenceChecker) private readonly references: ReferenceChecker,
  ) {}

  async execute({ data, context }: LeaveOfficeCommand): Promise<CommandResult> {
    await this.references.assertRegistered([
      { kind: 'person', id: data.personId, field: 'personId' },
    ]);
    return this.store.handle(StreamNames.office(data.officeId), officeDecider, { type: 'LeaveOffice', data }, context);
  }
}
