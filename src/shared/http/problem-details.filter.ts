import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { etagOf, requestIdOf } from './request-context.js';
import { toProblem } from './problem-details.js';

/**
 * The one place errors become HTTP answers: every error is `application/problem+json` (api.md). DomainErrors map by
 * kind (validation 400, unknown-reference 422, not-found 404, illegal-state 409, concurrency 412 with the current
 * revision, also as ETag); Fastify's body errors keep their meaning (413, 415, 400); anything unexpected is logged
 * and answered 500 without internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { problem, internal } = toProblem(exception);
    const instance = request?.url ? { instance: request.url.split('?')[0] } : {};
    if (internal) {
      const requestId = request ? requestIdOf(request) : undefined;
      this.logger.error({ err: exception, requestId, url: request?.url }, exception instanceof Error ? exception.stack : String(exception));
      Object.assign(problem, { requestId });
    }
    if (typeof problem.currentRevision === 'string') reply.header('etag', etagOf(problem.currentRevision));
    reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send({ ...problem, ...instance });
  }
}

/**
 * Fastify's `frameworkErrors`: errors of routing itself (a path that is not valid percent-encoding, a path parameter
 * over MAX_PATH_PARAM_LENGTH) are raised before any route, so Nest's filters never see them; answer them as
 * problem+json with the status Fastify gives them.
 */
export function sendFrameworkError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { problem, internal } = toProblem(error);
  if (internal) request.log.error({ err: error }, 'routing error');
  reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send({ ...problem, instance: request.url.split('?')[0] });
}
