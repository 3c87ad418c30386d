import type { CommandContext, CommandDescriptor } from '../shared/application/command-catalog.js';
import { plainData } from '../shared/http/dto/command-result.dto.js';
import { CorrectFactCommand, RetractFactCommand } from './audit/application/corrections.commands.js';
import { CorrectFactRequestDto, RetractFactRequestDto } from './audit/http/dto/correct-fact.request.dto.js';
import { AssumeOfficeCommand, EstablishOfficeCommand, LeaveOfficeCommand, RegisterPersonCommand } from './leadership/application/leadership.commands.js';
import { AssumeOfficeRequestDto } from './leadership/http/dto/assume-office.request.dto.js';
import { EstablishOfficeRequestDto } from './leadership/http/dto/establish-office.request.dto.js';
import { LeaveOfficeRequestDto } from './leadership/http/dto/leave-office.request.dto.js';
import { RegisterPersonRequestDto } from './leadership/http/dto/register-person.request.dto.js';
import { ToppleStatueCommand } from './monuments/application/monuments.commands.js';
import { ToppleStatueRequestDto } from './monuments/http/dto/topple-statue.request.dto.js';
import { IssueStatementCommand } from './statements/application/statements.commands.js';
import { IssueStatementRequestDto } from './statements/http/dto/issue-statement.request.dto.js';
import { RegisterFactionCommand, RegisterPlaceCommand, SeizeCityCommand } from './territory/application/territory.commands.js';
import { RegisterFactionRequestDto } from './territory/http/dto/register-faction.request.dto.js';
import { RegisterPlaceRequestDto } from './territory/http/dto/register-place.request.dto.js';
import { SeizeCityRequestDto } from './territory/http/dto/seize-city.request.dto.js';


function descriptor<Dto extends object, Data>(
  type: string,
  dto: new () => Dto,
  command: new (data: Data, context: CommandContext) => object,
): CommandDescriptor<Dto> {
  return { type, dto, toCommand: (body, context) => new command(plainData<Data>(body), context) };
}

/**
 * Every command that enters through HTTP or the NDJSON import. Validate the body with
 * `validateDto(descriptor.dto, body)` (src/shared/http/validation.ts; the import removes the line's `type` first),
 * then `commandBus.execute(descriptor.toCommand(value, context))` resolves to a CommandResult or rejects with a
 * DomainError.
 */
export const commandCatalog: Record<string, CommandDescriptor> = {
  RegisterFaction: descriptor('RegisterFaction', RegisterFactionRequestDto, RegisterFactionCommand),
  RegisterPlace: descriptor('RegisterPlace', RegisterPlaceRequestDto, RegisterPlaceCommand),
  RegisterPerson: descriptor('RegisterPerson', RegisterPersonRequestDto, RegisterPersonCommand),
  EstablishOffice: descriptor('EstablishOffice', EstablishOfficeRequestDto, EstablishOfficeCommand),
  SeizeCity: descriptor('SeizeCity', SeizeCityRequestDto, SeizeCityCommand),
  ToppleStatue: descriptor('ToppleStatue', ToppleStatueRequestDto, ToppleStatueCommand),
  IssueStatement: descriptor('IssueStatement', IssueStatementRequestDto, IssueStatementCommand),
  AssumeOffice: descriptor('AssumeOffice', AssumeOfficeRequestDto, AssumeOfficeCommand),
  LeaveOffice: descriptor('LeaveOffice', LeaveOfficeRequestDto, LeaveOfficeCommand),
  CorrectFact: descriptor('CorrectFact', CorrectFactRequestDto, CorrectFactCommand),
  RetractFact: descriptor('RetractFact', RetractFactRequestDto, RetractFactCommand),
};
