import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandStore } from '../../../infrastructure/event-store/command-store.js';
import { ReferenceChecker } from '../../../infrastructure/event-store/reference-checker.js';
import type { CommandResult } from '../../../shared/application/command-catalog.js';
import { StreamNames } from '../../../shared/domain/stream-names.js';
import { statueDecider } from '../domain/statue.decider.js';
import { ToppleStatueCommand } from './monuments.commands.js';

@CommandHandler(ToppleStatueCommand)
export class ToppleStatueHandler implements ICommandHandler<ToppleStatueCommand> {
  constructor(
    @Inject(CommandStore) private readonly store: CommandStore,
    @Inject(ReferenceChecker) private readonly references: ReferenceChecker,
  ) {}

  async execute({ data, context }: ToppleStatueCommand): Promise<CommandResult> {
    await this.references.assertRegistered([
      { kind: 'place', id: data.placeId, field: 'placeId' },
      { kind: 'person', id: data.depictsPersonId, field: 'depictsPersonId' },
      { kind: 'faction', id: data.toppledByFactionId, field: 'toppledByFactionId' },
    ]);
    return this.store.handle(StreamNames.statue(data.statueId), statueDecider, { type: 'ToppleStatue', data }, context);
  }
}
