import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CorrelationQuery } from '../queries/correlation.query.js';
import { type AuditedEvent, StreamHistoryQuery } from '../queries/stream-history.query.js';

@ApiTags('audit')
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('streams/:streamName')
  @ApiOperation({
    summary: 'The raw events of one stream, in order, with their metadata',
    description: 'Type, data, metadata (actor, correlation id, causation id, recorded time), revision and log position.',
  })
  @ApiParam({ name: 'streamName', example: 'city-hama' })
  @ApiOkResponse({ description: 'Events in stream order' })
  streamHistory(@Param('streamName') streamName: string): Promise<AuditedEvent[]> {
    return this.queryBus.execute(new StreamHistoryQuery(streamName));
  }

  @Get('correlations/:correlationId')
  @ApiOperation({
    summary: 'Every event one request or import line caused',
    description: 'Found through the audit index (audit.fact-index.v1), read raw from their streams, in log order. 404 when no event carries the id.',
  })
  @ApiParam({ name: 'correlationId', description: 'The x-correlation-id of a request (echoed in its answer) or of an import line.' })
  @ApiOkResponse({ description: 'Events in log order' })
  correlation(@Param('correlationId') correlationId: string): Promise<AuditedEvent[]> {
    return this.queryBus.execute(new CorrelationQuery(correlationId));
  }
}
