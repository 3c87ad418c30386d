import { Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { validationError } from '../shared/domain/domain-error.js';
import { type ProjectionView, ProjectionsAdminService, REBUILD_MODES, type RebuildMode, type RebuildProgress, rebuildFailed } from './projections-admin.service.js';
import type { Comparison } from './scratch-replay.js';

const NAME = { name: 'name', example: 'territory.control.v1', description: 'A registered projection (GET /admin/projections)' };

function parseMode(value: string | undefined): RebuildMode {
  if (value === undefined || value === '') return 'copy';
  if ((REBUILD_MODES as readonly string[]).includes(value)) return value as RebuildMode;
  throw validationError('PROJECTIONS.INVALID_MODE', 'mode', `must be one of ${REBUILD_MODES.join(', ')}`);
}

function parseWait(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw validationError('PROJECTIONS.INVALID_WAIT', 'wait', 'must be true or false');
}

@ApiTags('projections')
@Controller('admin/projections')
export class ProjectionsAdminController {
  constructor(@Inject(ProjectionsAdminService) private readonly projections: ProjectionsAdminService) {}

  @Get()
  @ApiOperation({ summary: 'Every projection: state, checkpoint, lag, last error, and the progress of its last rebuild' })
  @ApiOkResponse({ description: 'Projection statuses' })
  list(): Promise<ProjectionView[]> {
    return this.projections.list();
  }

  @Get(':name')
  @ApiOperation({ summary: "One projection's status and the progress of its last rebuild" })
  @ApiParam(NAME)
  get(@Param('name') name: string): Promise<ProjectionView> {
    return this.projections.get(name);
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Rebuild a read model from the log',
    description:
      'mode=copy (default): replays the whole log into a fresh copy while the live model keeps answering, and ' +
      'replaces the live model with it in one transaction once it reached the live checkpoint (no downtime). ' +
      'mode=in-place: drops the tables and checkpoint and replays into them (queries see a partial model until it ' +
      'caught up). 202 with the progress (poll GET /admin/projections/:name); with wait=true, 200 once done, or ' +
      '500 problem+json PROJECTIONS.REBUILD_FAILED with the name, the reason and the progress if it failed (mode copy: ' +
      'the live model is left as it was). 409 while a rebuild of it runs.',
  })
  @ApiParam(NAME)
  @ApiQuery({ name: 'wait', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'mode', required: false, enum: REBUILD_MODES })
  async rebuild(
    @Param('name') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('wait') wait?: string,
    @Query('mode') mode?: string,
  ): Promise<RebuildProgress> {
    const waiting = parseWait(wait);
    const progress = await this.projections.rebuild(name, { wait: waiting, mode: parseMode(mode) });
    // Waited for and failed: not a 200 with state "failed" that a client checking the status would take for success.
    if (waiting && progress.state === 'failed') throw rebuildFailed(progress);
    if (waiting) reply.status(200);
    return progress;
  }

  @Get(':name/compare')
  @ApiOperation({
    summary: 'Compare the live read model with a copy replayed from the log',
    description:
      'Replays the log up to the live checkpoint into a scratch store (the live model is untouched) and diffs the ' +
      'two table by table: row counts and the rows only one side has.',
  })
  @ApiParam(NAME)
  compare(@Param('name') name: string): Promise<Comparison> {
    return this.projections.compare(name);
  }
}
