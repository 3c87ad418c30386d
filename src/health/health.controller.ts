import { BACKWARDS, END, type EventStoreDBClient } from '@eventstore/db-client';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE_CLIENT, EventStoreConnection } from '../infrastructure/event-store/event-store.module.js';
import { ProjectionRunner, type ProjectionRunnerApi, type ProjectionStatus } from '../infrastructure/projections/projection-runner.js';
import { ReadStore } from '../infrastructure/read-store/read-store.js';

interface Probe {
  status: 'up' | 'down';
  description: string;
  latencyMs?: number;
  error?: string;
}

const PROBE_TIMEOUT_MS = 2_000;

async function probe(description: string, check: () => Promise<unknown>): Promise<Probe> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', description, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    return { status: 'down', description, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE_CLIENT) private readonly client: EventStoreDBClient,
    @Inject(EventStoreConnection) private readonly connection: EventStoreConnection,
    @Inject(ReadStore) private readonly readStore: ReadStore,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunnerApi,
  ) {}

  @Get()
  @ApiOperation({ summary: "The event store's and the read store's reachability, and each projection's lag" })
  @ApiOkResponse({ description: 'Both stores reachable' })
  @ApiServiceUnavailableResponse({ description: 'A store is unreachable' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [eventStore, readStore] = await Promise.all([
      probe(this.connection.description, async () => {
        // Read to the end (one event) rather than break: an abandoned read call is not worth a dangling stream.
        for await (const _ of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) void _;
      }),
      probe(this.readStore.description, () => this.readStore.ping()),
    ]);
    let projections: ProjectionStatus[] = [];
    if (eventStore.status === 'up') projections = await this.runner.status();
    else projections = this.runner.statusSnapshot();
    const up = eventStore.status === 'up' && readStore.status === 'up';
    reply.status(up ? 200 : 503);
    return { status: up ? 'up' : 'down', eventStore, readStore, projections };
  }
}
