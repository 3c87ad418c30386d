import { Controller, Inject, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandContext, CommandResult } from '../../../shared/application/command-catalog.js';
import { ApiCommand } from '../../../shared/http/api-command.decorator.js';
import { CommandResponseInterceptor } from '../../../shared/http/command-response.interceptor.js';
import { plainData } from '../../../shared/http/dto/command-result.dto.js';
import { CommandBody, RequestCommandContext } from '../../../shared/http/request-context.js';
import { AssumeOfficeCommand, EstablishOfficeCommand, LeaveOfficeCommand, RegisterPersonCommand } from '../application/leadership.commands.js';
import { AssumeOfficeRequestDto } from './dto/assume-office.request.dto.js';
import { EstablishOfficeRequestDto } from './dto/establish-office.request.dto.js';
import { LeaveOfficeRequestDto } from './dto/leave-office.request.dto.js';
import { RegisterPersonRequestDto } from './dto/register-person.request.dto.js';

@ApiTags('admin: leadership')
@Controller('admin')
@UseInterceptors(CommandResponseInterceptor)
export class LeadershipAdminController {
  constructor(@Inject(CommandBus) private readonly commandBus: CommandBus) {}

  @Post('people')
  @ApiCommand({ type: 'RegisterPerson', summary: 'Register a person', body: RegisterPersonRequestDto, errors: { 409: 'The person id is already registered.' } })
  registerPerson(@CommandBody() body: RegisterPersonRequestDto, @RequestCommandContext() context: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new RegisterPersonCommand(plainData(body), context));
  }

  @Post('offices')
  @ApiCommand({ type: 'EstablishOffice', summary: 'Establish an office', body: EstablishOfficeRequestDto, errors: { 409: 'The office id is already established.' } })
  establishOffice(@CommandBody() body: EstablishOfficeRequestDto, @RequestCommandContext() context: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new EstablishOfficeCommand(plainData(body), context));
  }

  @Post('offices/:officeId/terms')
  @ApiCommand({
    type: 'AssumeOffice',
    summary: 'Record that a person took office',
    body: AssumeOfficeRequestDto,
    pathIds: ['officeId'],
    errors: { 404: 'The office is not established.', 409: 'The person already holds the office (an open term).', 422: 'personId is not registered.' },
  })
  assumeOffice(@CommandBody(['officeId']) body: AssumeOfficeRequestDto, @RequestCommandContext() context: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new AssumeOfficeCommand(plainData(body), context));
  }

  @Post('offices/:officeId/departures')
  @ApiCommand({
    type: 'LeaveOffice',
    summary: 'Record that a person left office',
    body: LeaveOfficeRequestDto,
    pathIds: ['officeId'],
    errors: { 404: 'The office is not established.', 409: 'The person does not hold the office (LEADERSHIP.NOT_HOLDING_OFFICE).', 422: 'personId is not registered.' },
  })
  leaveOffice(@CommandBody(['officeId']) body: LeaveOfficeRequestDto, @RequestCommandContext() context: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new LeaveOfficeCommand(plainData(body), context));
  }
}
