import { Controller, Inject, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandContext, CommandResult } from '../../../shared/application/command-catalog.js';
import { ApiCommand } from '../../../shared/http/api-command.decorator.js';
import { CommandResponseInterceptor } from '../../../shared/http/command-response.interceptor.js';
import { plainData } from '../../../shared/http/dto/command-result.dto.js';
import { CommandBody, RequestCommandContext } from '../../../shared/http/request-context.js';
import { ToppleStatueCommand } from '../application/monuments.commands.js';
import { ToppleStatueRequestDto } from './dto/topple-statue.request.dto.js';

@ApiTags('admin: monuments')
@Controller('admin')
@UseInterceptors(CommandResponseInterceptor)
export class MonumentsAdminController {
  constructor(@Inject(CommandBus) private readonly commandBus: CommandBus) {}

  @Post('statues/:statueId/toppling')
  @ApiCommand({
    type: 'ToppleStatue',
    summary: 'Record that a statue was toppled',
    body: ToppleStatueRequestDto,
    pathIds: ['statueId'],
    errors: { 409: 'The statue is already recorded as toppled.', 422: 'placeId, depictsPersonId or toppledByFactionId is not registered.' },
  })
  toppleStatue(@CommandBody(['statueId']) body: ToppleStatueRequestDto, @RequestCommandContext() context: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new ToppleStatueCommand(plainData(body), context));
  }
}
