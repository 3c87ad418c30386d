import { applyDecorators, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiHeader, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { CommandResultDto } from './dto/command-result.dto.js';

const PROBLEM = { description: '', content: { 'application/problem+json': { schema: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' }, errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } } } } } } };
const problem = (status: number, description: string) => ApiResponse({ ...PROBLEM, status, description });

/** OpenAPI for an admin command endpoint: body, path ids, the optional headers and every problem it can answer. */
export function ApiCommand(options: { type: string; summary: string; body: new () => object; pathIds?: string[]; errors: Partial<Record<404 | 409 | 422, string>> }) {
  return applyDecorators(
    HttpCode(HttpStatus.CREATED),
    ApiOperation({ summary: options.summary, description: `Command \`${options.type}\` (also an NDJSON import line \`{"type": "${options.type}", ...}\`).`, operationId: options.type }),
    ApiBody({ type: options.body }),
    ...(options.pathIds ?? []).map((name) =>
      ApiParam({ name, description: `Slug id; may be left out of the body, and must match it when given there.` }),
    ),
    ApiHeader({ name: 'If-Match', required: false, description: 'Stream revision the editor saw (the last ETag); 412 when the stream has moved on.' }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key appends nothing new and returns the first result.' }),
    ApiHeader({ name: 'x-correlation-id', required: false, description: 'Groups the events of one request (1 to 200 printable ASCII characters; look them up at GET /admin/audit/correlations/:correlationId); a uuid is generated when absent.' }),
    ApiCreatedResponse({ type: CommandResultDto, description: 'Appended; the ETag header is the new stream revision.' }),
    problem(400, 'Invalid body, path id disagreeing with the body, or invalid header; `errors` names each field.'),
    ...Object.entries(options.errors).map(([status, description]) => problem(Number(status), description)),
    problem(412, 'If-Match is stale; the body carries `currentRevision`.'),
    problem(413, 'Body over 1 MB.'),
    problem(415, 'Body is not application/json.'),
  );
}
