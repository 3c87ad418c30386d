import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../../shared/application/command-catalog.js';
import type { ToppleStatue } from '../domain/monuments.commands.js';

/** What `commandBus.execute()` carries: the domain command's data and who/why (CommandContext). */
export class ToppleStatueCommand extends Command<CommandResult> {
  constructor(readonly data: ToppleStatue['data'], readonly context: CommandContext) {
    super();
  }
}
