import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandStore } from '../../../infrastructure/event-store/command-store.js';
import { ReferenceChecker } from '../../../infrastructure/event-store/reference-checker.js';
import type { CommandResult } from '../../../shared/application/command-catalog.js';
import { StreamNames } from '../../../shared/domain/stream-names.js';
import { statementDecider } from '../domain/statement.decider.js';
import { IssueStatementCommand } from './statements.commands.js';

@CommandHandler(IssueStatementCommand)
export class IssueStatementHandler implements ICommandHandler<IssueStatementCommand> {
  constructor(
    @Inject(CommandStore) private readonly store: CommandStore,
    @Inject(ReferenceChecker) private readonly references: ReferenceChecker,
  ) {}

  async execute({ data, context }: IssueStatementCommand): Promise<CommandResult> {
    await this.references.assertRegistered([
      { kind: 'person', id: data.speakerPersonId, field: 'speakerPersonId' },
      { kind: 'faction', id: data.onBehalfOfFactionId, field: 'onBehalfOfFactionId' },
      { kind: 'place', id: data.placeId, field: 'placeId' },
    ]);
    return this.store.handle(StreamNames.statement(data.statementId), statementDecider, { type: 'IssueStatement', data }, context);
  }
}
