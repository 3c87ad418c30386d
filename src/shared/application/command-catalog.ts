/**
 * The contract between the ways a command enters Dateline (HTTP controllers, the NDJSON import) and the
 * command handlers. Each importable command type ("SeizeCity", ...) has one descriptor: the same DTO class the
 * HTTP endpoint validates, and how to build the @nestjs/cqrs command from it.
 */

/** Who/why/how of a command, decided at the edge (HTTP request or import line). */
export interface CommandContext {
  /** Editor id (API key owner) or `import:<file name>`. */
  actor: string;
  correlationId: string;
  causationId: string;
  /** Retries with the same key append nothing new and return the first result. */
  idempotencyKey?: string;
  /** From If-Match: the stream revision the editor saw; stale → 412. */
  expectedRevision?: bigint;
}

/** What every successful command answers (api.md). */
export interface CommandResult {
  streamName: string;
  /** Stream revision after the append (string: uint64). */
  revision: string;
  /** Commit position of the last appended event in $all (string: uint64). */
  position: string;
  eventIds: string[];
}

export interface CommandDescriptor<Dto extends object = object> {
  /** The NDJSON `type` and the command name, e.g. "SeizeCity". */
  type: string;
  /** The class-validator DTO, shared with the HTTP endpoint. */
  dto: new () => Dto;
  /** Builds the command that `commandBus.execute()` runs; its result is a CommandResult. */
  toCommand(dto: Dto, context: CommandContext): object;
}
