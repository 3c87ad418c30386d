import { Controller, Get, Inject, Param, Query as QueryString } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type AsAt, parseAsAt } from '../../../infrastructure/projections/as-at.js';
import type { Vacancy } from '../domain/terms.js';
import { GetOfficeHolderQuery, GetOfficeTermsQuery, GetOfficeVacanciesQuery, GetPersonTermsQuery } from '../queries/leadership.queries.js';
import type { OfficeHolder, PersonTermView, TermView } from '../queries/leadership.read-model.js';
import { OfficeHolderResponseDto, PersonTermResponseDto, TermResponseDto, VacancyResponseDto } from './dto/leadership.response.dto.js';
import { OfficeHolderQueryDto } from './dto/office-holder.query.dto.js';
import { TermsQueryDto } from './dto/terms.query.dto.js';

/** Validated by the DTO before it gets here. */
const asAtOf = (value: string | undefined): AsAt | undefined => (value === undefined ? undefined : (parseAsAt(value) ?? undefined));

@ApiTags('leadership')
@Controller('leadership')
export class LeadershipController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  @Get('offices/:officeId/holder')
  @ApiOperation({ summary: 'Who held an office on a day (asOf), as known at a time (asAt); holder null when vacant' })
  @ApiParam({ name: 'officeId', example: 'president-of-syria' })
  @ApiOkResponse({ type: OfficeHolderResponseDto })
  holder(@Param('officeId') officeId: string, @QueryString() query: OfficeHolderQueryDto): Promise<OfficeHolder> {
    return this.queries.execute(new GetOfficeHolderQuery(officeId, query.asOf, asAtOf(query.asAt)));
  }

  @Get('offices/:officeId/terms')
  @ApiOperation({ summary: "An office's terms in order, with predecessor and successor (end is exclusive)" })
  @ApiParam({ name: 'officeId', example: 'president-of-syria' })
  @ApiOkResponse({ type: [TermResponseDto] })
  terms(@Param('officeId') officeId: string, @QueryString() query: TermsQueryDto): Promise<TermView[]> {
    return this.queries.execute(new GetOfficeTermsQuery(officeId, asAtOf(query.asAt)));
  }

  @Get('offices/:officeId/vacancies')
  @ApiOperation({ summary: 'The gaps between the known terms of an office' })
  @ApiParam({ name: 'officeId', example: 'president-of-syria' })
  @ApiOkResponse({ type: [VacancyResponseDto] })
  vacancies(@Param('officeId') officeId: string, @QueryString() query: TermsQueryDto): Promise<Vacancy[]> {
    return this.queries.execute(new GetOfficeVacanciesQuery(officeId, asAtOf(query.asAt)));
  }

  @Get('people/:personId/terms')
  @ApiOperation({ summary: 'Every term a person held, all offices, by start date' })
  @ApiParam({ name: 'personId', example: 'bashar-al-assad' })
  @ApiOkResponse({ type: [PersonTermResponseDto] })
  personTerms(@Param('personId') personId: string, @QueryString() query: TermsQueryDto): Promise<PersonTermView[]> {
    return this.queries.execute(new GetPersonTermsQuery(personId, asAtOf(query.asAt)));
  }
}
