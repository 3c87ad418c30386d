import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import type { CommandResult } from '../application/command-catalog.js';
import { correlationIdOf, etagOf } from './request-context.js';

/** Command answers carry the new stream revision as ETag (the next If-Match) and echo the correlation id. */
@Injectable()
export class CommandResponseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    reply.header('x-correlation-id', correlationIdOf(http.getRequest<FastifyRequest>()));
    return next.handle().pipe(
      map((result: CommandResult) => {
        if (result?.revision) reply.header('etag', etagOf(result.revision));
        return result;
      }),
    );
  }
}
