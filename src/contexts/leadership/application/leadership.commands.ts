import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../../shared/application/command-catalog.js';
import type { AssumeOffice, EstablishOffice, LeaveOffice, RegisterPerson } from '../domain/leadership.commands.js';

/** What `commandBus.execute()` carries: the domain command's data and who/why (CommandContext). */
export class RegisterPersonCommand extends Command<CommandResult> {
  constructor(readonly data: RegisterPerson['data'], readonly context: CommandContext) {
    super();
  }
}

export class EstablishOfficeCommand extends Command<CommandResult> {
  constructor(readonly data: EstablishOffice['data'], readonly context: CommandContext) {
    super();
  }
}

export class AssumeOfficeCommand extends Command<CommandResult> {
  constructor(readonly data: AssumeOffice['data'], readonly context: CommandContext) {
    super();
  }
}

export class LeaveOfficeCommand extends Command<CommandResult> {
  constructor(readonly data: LeaveOffice['data'], readonly context: CommandContext) {
    super();
  }
}
