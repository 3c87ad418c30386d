import { ApiProperty } from '@nestjs/swagger';
import type { CommandResult } from '../../application/command-catalog.js';

/** OpenAPI shape of every successful command answer. */
export class CommandResultDto implements CommandResult {
  @ApiProperty({ example: 'city-hama' })
  streamName!: string;

  @ApiProperty({ description: 'Stream revision after the append (uint64 as a string); also the ETag, the next If-Match.', example: '3' })
  revision!: string;

  @ApiProperty({ description: 'Commit position in $all of the last appended event (uint64 as a string).', example: '18446' })
  position!: string;

  @ApiProperty({ type: [String], description: 'Ids of the appended events (uuid; derived from the Idempotency-Key when given).' })
  eventIds!: string[];
}

/** A validated DTO as plain JSON data for a command: nested DTO instances become plain objects. */
export const plainData = <T>(dto: object): T => JSON.parse(JSON.stringify(dto)) as T;
