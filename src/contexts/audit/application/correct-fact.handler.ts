import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandStore } from '../../../infrastructure/event-store/command-store.js';
import { ReferenceChecker } from '../../../infrastructure/event-store/reference-checker.js';
import type { CommandResult } from '../../../shared/application/command-catalog.js';
import { checkFactBody, correctionDeciderFor, referencesInChanges } from '../../fact-catalog.js';
import { CorrectFactCommand, RetractFactCommand } from './corrections.commands.js';
import { FactLocator } from './fact-locator.js';

/** Appends a FactCorrected to the stream of the fact it amends, decided there (the fact as corrected so far). */
@CommandHandler(CorrectFactCommand)
export class CorrectFactHandler implements ICommandHandler<CorrectFactCommand> {
  constructor(
    @Inject(CommandStore) private readonly store: CommandStore,
    @Inject(ReferenceChecker) private readonly references: ReferenceChecker,
    @Inject(FactLocator) private readonly locator: FactLocator,
  ) {}

  async execute({ data, context }: CorrectFactCommand): Promise<CommandResult> {
    const fact = await this.locator.locate(data.eventId);
    await this.references.assertRegistered(referencesInChanges(fact.event_type, data.changes));
    const command = { type: 'CorrectFact' as const, data, check: checkFactBody };
    return this.store.handle(fact.stream_name, correctionDeciderFor(fact.event_type), command, context);
  }
}

/** Appends a FactRetracted to the stream of the fact it withdraws. */
@CommandHandler(RetractFactCommand)
export class RetractFactHandler implements ICommandHandler<RetractFactCommand> {
  constructor(
    @Inject(CommandStore) private readonly store: CommandStore,
    @Inject(FactLocator) private readonly locator: FactLocator,
  ) {}

  async execute({ data, context }: RetractFactCommand): Promise<CommandResult> {
    const fact = await this.locator.locate(data.eventId);
    return this.store.handle(fact.stream_name, correctionDeciderFor(fact.event_type), { type: 'RetractFact', data }, context);
  }
}
