import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
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
}
