import { Controller, Inject, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CommandContext, CommandResult } from '../../../shared/application/command-catalog.js';
import { ApiCommand } from '../../../shared/http/api-command.decorator.js';
import { CommandResponseInterceptor } from '../../../shared/http/command-response.interceptor.js';
import { plainData } from '../../../shared/http/dto/command-result.dto.js';
import { CommandBody, RequestCommandContext } from '../../../shared/http/request-context.js';
import { RegisterFactionCommand, RegisterPlaceCommand, SeizeCityCommand } from '../application/territory.commands.js';
import { RegisterFactionRequestDto } from './dto/register-faction.request.dto.js';
import { RegisterPlaceRequestDto } from './dto/register-place.request.dto.js';
import { SeizeCityRequestDto } from './dto/seize-city.request.dto.js';

@ApiTags('admin: territory')
@Controller('admin')
@UseInterceptors(CommandResponseInterceptor)
export class TerritoryAdminController {
  constructor(@Inject(CommandBus) private readonly commandBus: CommandBus) {}

  @Post('factions')
  @ApiCommand({ type: 'RegisterFaction', summary: 'Register a faction', body: RegisterFactionRequestDto, errors: { 409: 'The faction id is already registered.' } })
  registerFaction(@CommandBody() body: RegisterFactionRequestDto, @RequestCommandContext() context: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new RegisterFactionCommand(plainData(body), context));
  }

  @Post('places')
  @ApiCommand({ type: 'RegisterPlace', summary: 'Register a place (city, town, ...)', body: RegisterPlaceRequestDto, errors: { 409: 'The place id is already registered.' } })
  registerPlace(@CommandBody() body: RegisterPlaceRequestDto, @RequestCommandContext() context: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new RegisterPlaceCommand(plainData(body), context));
  }

  @Post('places/:placeId/seizures')
  @ApiCommand({
    type: 'SeizeCity',
    summary: 'Record that a faction seized a place',
    body: SeizeCityRequestDto,
    pathIds: ['placeId'],
    errors: { 404: 'The place is not registered.', 422: 'factionId or fromFactionId is not registered.' },
  })
  seizeCity(@CommandBody(['placeId']) body: SeizeCityRequestDto, @RequestCommandContext() context: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new SeizeCityCommand(plainData(body), context));
  }
}
