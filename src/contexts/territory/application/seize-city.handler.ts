import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandStore } from '../../../infrastructure/event-store/command-store.js';
import { ReferenceChecker } from '../../../infrastructure/event-store/reference-checker.js';
import type { CommandResult } from '../../../shared/application/command-catalog.js';
import { StreamNames } from '../../../shared/domain/stream-names.js';
import { placeDecider } from '../domain/place.decider.js';
import { SeizeCityCommand } from './territory.commands.js';

@CommandHandler(SeizeCityCommand)
export class SeizeCityHandler implements ICommandHandler<SeizeCityCommand> {
  constructor(
    @Inject(CommandStore) private readonly store: CommandStore,
    @Inject(ReferenceChecker) private readonly references: ReferenceChecker,
  ) {}

  async execute({ data, context }: SeizeCityCommand): Promise<CommandResult> {
    await this.references.assertRegistered([
      { kind: 'faction', id: data.factionId, field: 'factionId' },
      { kind: 'faction', id: data.fromFactionId, field: 'fromFactionId' },
    ]);
    return this.store.handle(StreamNames.place(data.placeId), placeDecider, { type: 'SeizeCity', data }, context);
  }
}
