import { Controller, Inject, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandContext, CommandResult } from '../../../shared/application/command-catalog.js';
import { ApiCommand } from '../../../shared/http/api-command.decorator.js';
import { CommandResponseInterceptor } from '../../../shared/http/command-response.interceptor.js';
import { plainData } from '../../../shared/http/dto/command-result.dto.js';
import { CommandBody, RequestCommandContext } from '../../../shared/http/request-context.js';
import { IssueStatementCommand } from '../application/statements.commands.js';
import { IssueStatementRequestDto } from './dto/issue-statement.request.dto.js';

@ApiTags('admin: statements')
@Controller('admin')
@UseInterceptors(CommandResponseInterceptor)
export class StatementsAdminController {
  constructor(@Inject(CommandBus) private readonly commandBus: CommandBus) {}

  @Post('statements')
  @ApiCommand({
    type: 'IssueStatement',
    summary: 'Record a statement',
    body: IssueStatementRequestDto,
    errors: { 409: 'A statement with this id already exists.', 422: 'speakerPersonId, onBehalfOfFactionId or placeId is not registered.' },
  })
  issueStatement(@CommandBody() body: IssueStatementRequestDto, @RequestCommandContext() context: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new IssueStatementCommand(plainData(body), context));
  }
}
