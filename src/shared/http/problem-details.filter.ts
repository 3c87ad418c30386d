import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** Placeholder (write-side owner replaces it): every error becomes application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    reply.status(status).header('content-type', 'application/problem+json').send({
      type: 'about:blank',
      title: exception instanceof Error ? exception.message : 'Error',
      status,
    });
  }
}
