import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandResult } from '../../../shared/application/command-catalog.js';
import type { CorrectFact, RetractFact } from '../../../shared/domain/corrections.js';

export class CorrectFactCommand extends Command<CommandResult> {
  constructor(readonly data: CorrectFact['data'], readonly context: CommandContext) {
    super();
  }
}

export class RetractFactCommand extends Command<CommandResult> {
  constructor(readonly data: RetractFact['data'], readonly context: CommandContext) {
    super();
  }
}
