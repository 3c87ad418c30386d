import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../../shared/application/command-catalog.js';
import type { RegisterFaction, RegisterPlace, SeizeCity } from '../domain/territory.commands.js';

/** What `commandBus.execute()` carries: the domain command's data and who/why (CommandContext). */
export class RegisterFactionCommand extends Command<CommandResult> {
  constructor(readonly data: RegisterFaction['data'], readonly context: CommandContext) {
    super();
  }
}

export class RegisterPlaceCommand extends Command<CommandResult> {
  constructor(readonly data: RegisterPlace['data'], readonly context: CommandContext) {
    super();
  }
}

export class SeizeCityCommand extends Command<CommandResult> {
  constructor(readonly data: SeizeCity['data'], readonly context: CommandContext) {
    super();
  }
}
