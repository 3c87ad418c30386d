import 'reflect-metadata';
import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { BODY_LIMIT_BYTES } from '../../src/app.factory.js';
import { SeizeCityRequestDto } from '../../src/contexts/territory/http/dto/seize-city.request.dto.js';
import { concurrencyError, DomainError, type DomainErrorKind } from '../../src/shared/domain/domain-error.js';
import { ProblemDetailsFilter } from '../../src/shared/http/problem-details.filter.js';
import { createValidationPipe } from '../../src/shared/http/validation.js';

/** The filter and pipe on a bare Fastify app: every kind of failure, without the event store. */
@Controller('t')
class ThrowingController {
  @Post('seizures')
  seize(@Body() body: SeizeCityRequestDto) {
    return { ok: true, factionId: body.factionId };
  }

  @Get('domain/:kind')
  domain(@Param('kind') kind: DomainErrorKind) {
    if (kind === 'concurrency') throw concurrencyError('city-x', 1n, 4n);
    throw new DomainError(`TEST.${kind.toUpperCase()}`, `a ${kind} error`, kind, [{ field: 'someId', message: 'bad' }]);
  }

  @Get('store-down')
  storeDown() {
    throw new (class UnavailableError extends Error {})('14 UNAVAILABLE: No connection established');
  }

  @Get('boom')
  boom() {
    throw new Error('connection string postgres://secret@db');
  }
}

@Module({ controllers: [ThrowingController] })
class ThrowingModule {}

let app: NestFastifyApplication;
let base: string;

beforeAll(async () => {
  app = await NestFactory.create<NestFastifyApplication>(ThrowingModule, new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), { logger: false });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = await app.getUrl();
});
afterAll(() => app.close());

const seizure = { placeId: 'hama', factionId: 'hts', occurred: { date: '2024-12-05', precision: 'day' }, sources: [{ outlet: 'AFP' }] };

async function post(body: string, contentType = 'application/json') {
  const response = await fetch(`${base}/t/seizures`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { response, problem: (await response.json()) as Record<string, any> };
}

function expectProblem(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

describe('problem+json for every failure', () => {
  it('passes a valid body', async () => {
    const { response, problem } = await post(JSON.stringify(seizure));
    expect(response.status).toBe(201);
    expect(problem).toEqual({ ok: true, factionId: 'hts' });
  });

  it('400 with field errors for validation', async () => {
    const { response, problem } = await post(JSON.stringify({ ...seizure, factionId: 7, extra: true }));
    expectProblem(response, 400);
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request', code: 'VALIDATION.FAILED', type: expect.any(String), detail: expect.any(String) });
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: 'extra', message: expect.any(String) },
        { field: 'factionId', message: 'must be a string' },
      ]),
    );
  });

  it('400 for malformed JSON', async () => {
    const { response, problem } = await post('{"placeId": "hama",');
    expectProblem(response, 400);
    expect(problem.code).toBe("REQUEST.MALFORMED_JSON");
  });

  it('400 for a JSON body that is not an object', async () => {
    const { response, problem } = await post('[1,2]');
    expectProblem(response, 400);
    expect(problem.errors).toEqual([{ field: '(body)', message: expect.any(String) }]);
  });

  it('413 for a body over 1 MB', async () => {
    const { response, problem } = await post(JSON.stringify({ ...seizure, summary: 'x'.repeat(BODY_LIMIT_BYTES) }));
    expectProblem(response, 413);
    expect(problem.code).toBe("REQUEST.BODY_TOO_LARGE");
  });

  it('415 for a content type Fastify cannot parse', async () => {
    const { response, problem } = await post('<seizure/>', 'application/xml');
    expectProblem(response, 415);
    expect(problem.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    ['validation', 400],
    ['unknown-reference', 422],
    ['not-found', 404],
    ['illegal-state', 409],
  ])('maps a %s DomainError to %i naming the field', async (kind, status) => {
    const response = await fetch(`${base}/t/domain/${kind}`);
    expectProblem(response, status);
    expect(await response.json()).toMatchObject({ status, code: `TEST.${kind.toUpperCase()}`, errors: [{ field: 'someId', message: 'bad' }] });
  });

  it('412 with the current revision for a concurrency DomainError', async () => {
    const response = await fetch(`${base}/t/domain/concurrency`);
    expectProblem(response, 412);
    expect(response.headers.get('etag')).toBe('"4"');
    expect(await response.json()).toMatchObject({ status: 412, currentRevision: '4', expectedRevision: '1', streamName: 'city-x' });
  });

  it('500 without internals for anything unexpected', async () => {
    const response = await fetch(`${base}/t/boom`);
    expectProblem(response, 500);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toMatchObject({ status: 500, title: 'Internal Server Error' });
  });

  it('503 when the event store is unavailable', async () => {
    const response = await fetch(`${base}/t/store-down`);
    expectProblem(response, 503);
    expect(await response.json()).toMatchObject({ status: 503, code: 'EVENT_STORE.UNAVAILABLE' });
  });

  it('404 problem for an unknown route', async () => {
    const response = await fetch(`${base}/nowhere`);
    expectProblem(response, 404);
  });
});
