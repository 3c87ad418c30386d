import { Controller, Get, Headers, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validationError } from '../shared/domain/domain-error.js';
import { type LiveFeed, LiveFeedService, type LiveFilter } from './live-feed.service.js';

const KEEP_ALIVE_MS = 15_000;
const POSITION = /^(0|[1-9][0-9]{0,19})$/;
const FILTER_FIELDS = ['placeId', 'officeId', 'personId', 'factionId'] as const;

function parseResumePoint(header: string | undefined, query: string | undefined): bigint | undefined {
  const value = header ?? query;
  if (value === undefined || value === '') return undefined;
  if (!POSITION.test(value)) {
    throw validationError(
      'LIVE.INVALID_RESUME_POSITION',
      header !== undefined ? 'Last-Event-ID' : 'lastEventId',
      'must be a log position (a non-negative integer)',
    );
  }
  return BigInt(value);
}

const describeFeed = (feed: LiveFeed) =>
  ApiOperation({
    summary: `Server-Sent Events: every change to the ${feed} read model`,
    description:
      'Each message has the log position it reflects as its `id` and names what changed in `data`. Reconnect with ' +
      '`Last-Event-ID` (or `?lastEventId=`) to resume with nothing missed and nothing repeated. Filter with ' +
      'placeId, officeId, personId or factionId.',
  });

@ApiTags('live')
@ApiProduces('text/event-stream')
@ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this log position' })
@ApiQuery({ name: 'lastEventId', required: false })
@ApiQuery({ name: 'placeId', required: false })
@ApiQuery({ name: 'officeId', required: false })
@ApiQuery({ name: 'personId', required: false })
@ApiQuery({ name: 'factionId', required: false })
@ApiOkResponse({ description: 'text/event-stream' })
@Controller('live')
export class LiveController {
  constructor(@Inject(LiveFeedService) private readonly feeds: LiveFeedService) {}

  @Get('territory')
  @describeFeed('territory')
  territory(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Headers('last-event-id') lastEventId?: string, @Query() query: Record<string, string> = {}) {
    this.stream('territory', request, reply, lastEventId, query);
  }

  @Get('leadership')
  @describeFeed('leadership')
  leadership(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Headers('last-event-id') lastEventId?: string, @Query() query: Record<string, string> = {}) {
    this.stream('leadership', request, reply, lastEventId, query);
  }

  @Get('timeline')
  @describeFeed('timeline')
  timeline(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Headers('last-event-id') lastEventId?: string, @Query() query: Record<string, string> = {}) {
    this.stream('timeline', request, reply, lastEventId, query);
  }

  private stream(feed: LiveFeed, request: FastifyRequest, reply: FastifyReply, header: string | undefined, query: Record<string, string>): void {
    const after = parseResumePoint(header, query.lastEventId);
    const wanted: LiveFilter = {};
    for (const field of FILTER_FIELDS) if (typeof query[field] === 'string') wanted[field] = query[field];

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 2000\n: following ${feed}\n\n`);
    const subscription = this.feeds.follow(feed, wanted, after).subscribe({
      next: (message) => raw.write(`id: ${message.position}\nevent: change\ndata: ${JSON.stringify(message.data)}\n\n`),
      error: () => raw.end(),
      complete: () => raw.end(),
    });
    const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    request.raw.on('close', () => {
      clearInterval(keepAlive);
      subscription.unsubscribe();
    });
  }
}
