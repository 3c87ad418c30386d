import { Controller, Get, Headers, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type FieldError, validationError, validationErrors } from '../shared/domain/domain-error.js';
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from '../shared/domain/facts.js';
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

/**
 * The filters, checked as every other query's are: a misspelt, repeated or malformed filter would otherwise follow
 * the whole read model (or nothing) without a word.
 */
function parseFilter(query: Record<string, unknown>): LiveFilter {
  const errors: FieldError[] = [];
  const wanted: LiveFilter = {};
  for (const [field, value] of Object.entries(query)) {
    if (field === 'lastEventId') {
      if (typeof value !== 'string') errors.push({ field, message: 'must be given once' });
      continue;
    }
    if (!(FILTER_FIELDS as readonly string[]).includes(field)) {
      errors.push({ field, message: `unknown filter (use ${FILTER_FIELDS.join(', ')} or lastEventId)` });
    } else if (typeof value !== 'string') {
      errors.push({ field, message: 'must be given once' });
    } else if (value.length > SLUG_MAX_LENGTH || !SLUG_PATTERN.test(value)) {
      errors.push({ field, message: `must be a slug id (lowercase letters, digits and single dashes, at most ${SLUG_MAX_LENGTH} characters)` });
    } else {
      wanted[field as (typeof FILTER_FIELDS)[number]] = value;
    }
  }
  if (errors.length > 0) throw validationErrors(errors);
  return wanted;
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
    const wanted = parseFilter(query);
    const after = parseResumePoint(header, query.lastEventId);

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
