import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../../shared/application/command-catalog.js';
import type { IssueStatement } from '../domain/statements.commands.js';

/** What `commandBus.execute()` carries: the domain command's data and who/why (CommandContext). */
export class IssueStatementCommand extends Command<CommandResult> {
  constructor(readonly data: IssueStatement['data'], readonly context: CommandContext) {
    super();
  }
}
