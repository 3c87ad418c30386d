import { Controller, Inject, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandContext, CommandResult } from '../../../shared/application/command-catalog.js';
import { ApiCommand } from '../../../shared/http/api-command.decorator.js';
import { CommandResponseInterceptor } from '../../../shared/http/command-response.interceptor.js';
import { plainData } from '../../../shared/http/dto/command-result.dto.js';
import { CommandBody, RequestCommandContext } from '../../../shared/http/request-context.js';
import { CorrectFactCommand, RetractFactCommand } from '../application/corrections.commands.js';
import { CorrectFactRequestDto, RetractFactRequestDto } from './dto/correct-fact.request.dto.js';

@ApiTags('admin: corrections')
@Controller('admin')
@UseInterceptors(CommandResponseInterceptor)
export class CorrectionsAdminController {
  constructor(@Inject(CommandBus) private readonly commandBus: CommandBus) {}

  @Post('corrections')
  @ApiCommand({
    type: 'CorrectFact',
    summary: 'Correct fields of an earlier fact (appended to that fact\'s stream)',
    body: CorrectFactRequestDto,
    errors: {
      404: 'No event has this eventId.',
      409: 'The fact was retracted, or the correction would break the stream\'s rules (overlapping terms).',
      422: 'The event is not a fact (reference data or a correction), or the changes name an unregistered faction, person or place.',
    },
  })
  correct(@CommandBody() body: CorrectFactRequestDto, @RequestCommandContext() context: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new CorrectFactCommand(plainData(body), context));
  }

  @Post('retractions')
  @ApiCommand({
    type: 'RetractFact',
    summary: 'Withdraw an earlier fact (appended to that fact\'s stream)',
    body: RetractFactRequestDto,
    errors: { 404: 'No event has this eventId.', 409: 'The fact is already retracted, or withdrawing it would leave overlapping terms.', 422: 'The event is not a fact.' },
  })
  retract(@CommandBody() body: RetractFactRequestDto, @RequestCommandContext() context: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new RetractFactCommand(plainData(body), context));
  }
}
