import { BACKWARDS, END, type EventStoreDBClient, FORWARDS, type Position, type ReadPosition, START } from '@eventstore/db-client';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { v5 as uuidv5 } from 'uuid';
import { commandCatalog } from '../contexts/command-catalog.js';
import { EVENT_STORE_CLIENT } from '../infrastructure/event-store/event-store.module.js';
import type { CommandContext, CommandDescriptor, CommandResult } from '../shared/application/command-catalog.js';
import { validationErrors } from '../shared/domain/domain-error.js';
import { validateDto } from '../shared/http/validation.js';
import { type ImportProblem, LineErrors, problemOf } from './import-problem.js';
import { type CommandLine, commandLines, lineKey } from './ndjson.js';

/** Correlation ids of import lines are name-based UUIDs (v5) of the line key in this namespace. */
const IMPORT_CORRELATION_NAMESPACE = '5b0f4c1e-8a57-4d5e-9a43-2f3c1d6e7a90';

export type LineOutcome = 'imported' | 'unchanged' | 'rejected';

export interface RejectedLine {
  /** 1-based line number in the file. */
  line: number;
  /** The line's `type`, when it had one. */
  type: string | null;
  /** The error the API would answer for the same command (problem+json body). */
  error: ImportProblem;
}

export interface ImportSummary {
  /** The file's base name (or the label given to importText). */
  source: string;
  /** Command lines (blank and `#` comment lines are not counted). */
  total: number;
  /** Lines whose command appended events now. */
  imported: number;
  /** Lines already imported before (same idempotency key): nothing appended. */
  unchanged: number;
  rejected: RejectedLine[];
  /** True when the signal stopped the import before its last line. */
  aborted: boolean;
  durationMs: number;
}

export interface ImportProgress {
  /** Command lines handled so far, and in all. */
  done: number;
  total: number;
  line: number;
  type: string | null;
  outcome: LineOutcome;
  /** Set when outcome is `rejected`. */
  rejection?: RejectedLine;
  result?: CommandResult;
}

export interface ImportOptions {
  /** Default `import:<file base name>`. */
  actor?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Stops between two lines (Ctrl-C in the CLI); the summary then has `aborted: true`. */
  signal?: AbortSignal;
}

type LineResult =
  | { outcome: 'imported' | 'unchanged'; type: string; result: CommandResult }
  | { outcome: 'rejected'; type: string | null; error: ImportProblem };

/**
 * The NDJSON import (api.md "Import"): each command line goes through the same DTO validation and the same command
 * handlers as the admin API, one after another in file order (later lines may name ids that earlier lines register).
 * A line's idempotency key is the sha256 of its command, so re-running a file appends nothing new.
 */
@Injectable()
export class ImportService {
  private readonly catalog: ReadonlyMap<string, CommandDescriptor> = new Map(Object.entries(commandCatalog));

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE_CLIENT) private readonly eventStore: EventStoreDBClient,
  ) {}

  /** Imports an NDJSON file; a rejected line never stops the others. */
  async importFile(file: string, options: ImportOptions = {}): Promise<ImportSummary> {
    const text = await readFile(file, 'utf8');
    return this.importText(text, path.basename(file), options);
  }

  /** Imports NDJSON text; `source` names it in the summary and in the default actor (`import:<source>`). */
  async importText(text: string, source: string, options: ImportOptions = {}): Promise<ImportSummary> {
    const started = performance.now();
    const actor = options.actor ?? `import:${source}`;
    const lines = commandLines(text);
    // A repeat answers with the first result, whose position is at or before the log's end as it was now.
    const headBefore = await this.headPosition();
    const keysSeen = new Set<string>();
    const summary: ImportSummary = { source, total: lines.length, imported: 0, unchanged: 0, rejected: [], aborted: false, durationMs: 0 };

    let done = 0;
    const record = (line: CommandLine, outcome: LineResult) => {
      let rejection: RejectedLine | undefined;
      if (outcome.outcome === 'rejected') {
        rejection = { line: line.line, type: outcome.type, error: outcome.error };
        summary.rejected.push(rejection);
      } else {
        summary[outcome.outcome] += 1;
      }
      done += 1;
      options.onProgress?.({
        done,
        total: lines.length,
        line: line.line,
        type: outcome.type,
        outcome: outcome.outcome,
        rejection,
        result: outcome.outcome === 'rejected' ? undefined : outcome.result,
      });
    };

    const schedule = new LineSchedule(IMPORT_CONCURRENCY);
    for (const line of lines) {
      if (options.signal?.aborted) {
        summary.aborted = true;
        break;
      }
      await schedule.run(entityKeysOf(line.text), async () => record(line, await this.importLine(line, actor, headBefore, keysSeen)));
    }
    await schedule.drain();
    summary.rejected.sort((a, b) => a.line - b.line);
    summary.durationMs = Math.round(performance.now() - started);
    return summary;
  }

  /** True when the event store holds any event that is not a system event (type or stream starting with `$`). */
  async hasUserEvents(): Promise<boolean> {
    // Pages read to their end: the embedded store's shutdown hangs after a read cancelled halfway (`break`).
    const PAGE = 256;
    let from: ReadPosition = START;
    for (;;) {
      let count = 0;
      let found = false;
      let last: Position | undefined;
      for await (const resolved of this.eventStore.readAll({ direction: FORWARDS, fromPosition: from, maxCount: PAGE })) {
        count += 1;
        const event = resolved.event;
        if (!event) continue;
        last = event.position;
        if (!event.type.startsWith('$') && !event.streamId.startsWith('$')) found = true;
      }
      if (found) return true;
      if (count < PAGE || !last) return false;
      from = last; // forward reads include their start: the page's last event comes again, already seen as system
    }
  }

  private async importLine(
    line: CommandLine,
    actor: string,
    headBefore: bigint | null,
    keysSeen: Set<string>,
  ): Promise<LineResult> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.text);
    } catch (error) {
      return rejected(null, LineErrors.malformedJson(error instanceof Error ? error.message : String(error)));
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return rejected(null, LineErrors.notACommand());
    const { type, ...body } = parsed as Record<string, unknown>;
    const descriptor = typeof type === 'string' ? this.catalog.get(type) : undefined;
    if (!descriptor) return rejected(typeof type === 'string' ? type : null, LineErrors.unknownType(type, [...this.catalog.keys()]));

    const validation = validateDto(descriptor.dto, body);
    if (!validation.ok) return rejected(descriptor.type, validationErrors(validation.errors));

    const key = lineKey(parsed);
    const context: CommandContext = {
      actor,
      correlationId: uuidv5(key, IMPORT_CORRELATION_NAMESPACE),
      causationId: key,
      idempotencyKey: key,
    };
    try {
      const result = await this.commandBus.execute<object, CommandResult>(descriptor.toCommand(validation.value, context));
      const repeated = keysSeen.has(key) || isAtOrBefore(result.position, headBefore);
      keysSeen.add(key);
      return { outcome: repeated ? 'unchanged' : 'imported', type: descriptor.type, result };
    } catch (error) {
      return rejected(descriptor.type, error);
    }
  }

  /** Commit position of the last event in $all, or null when the log is empty. */
  private async headPosition(): Promise<bigint | null> {
    let head: bigint | null = null;
    for await (const resolved of this.eventStore.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
      head = resolved.commitPosition ?? resolved.event?.position.commit ?? head;
    }
    return head;
  }
}

/** Lines in flight at once: enough for the event store to share each fsync among many appends. */
const IMPORT_CONCURRENCY = 32;

/**
 * The ids a line names (`placeId`, `fromFactionId`, `speakerPersonId`, ... as `place:hama`, `faction:hts`, ...), or
 * `barrier` for a line that must see every earlier line done and be done before any later one starts: corrections
 * and retractions (their target is an event id, not an entity id).
 */
export function entityKeysOf(text: string): string[] | 'barrier' {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [];
  const keys: string[] = [];
  for (const [field, value] of Object.entries(parsed)) {
    if (field === 'eventId') return 'barrier';
    const kind = /([A-Z]?[a-z]+)Id$/.exec(field)?.[1];
    if (kind && typeof value === 'string') keys.push(`${kind.toLowerCase()}:${value}`);
  }
  return keys;
}

/**
 * Runs lines concurrently, in file order of start, so that no line overtakes an earlier one naming one of the same
 * ids: commands on disjoint entities commute (each decides against its own streams and reference data), so the
 * outcome is the same as one line after another, only with appends sharing commits.
 */
export class LineSchedule {
  private readonly lastByKey = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private barrier: Promise<void> = Promise.resolve();

  constructor(private readonly concurrency: number) {}

  /** Resolves once the line has started (its dependencies may still be running); never rejects. */
  async run(keys: string[] | 'barrier', task: () => Promise<void>): Promise<void> {
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    const after = keys === 'barrier' ? [...this.inFlight] : [this.barrier, ...keys.flatMap((key) => this.lastByKey.get(key) ?? [])];
    const running = Promise.all(after).then(task).catch(() => undefined);
    if (keys === 'barrier') this.barrier = running;
    else for (const key of keys) this.lastByKey.set(key, running);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}

const rejected = (type: string | null, error: unknown): LineResult => ({ outcome: 'rejected', type, error: problemOf(error) });

function isAtOrBefore(position: string | undefined, head: bigint | null): boolean {
  if (head === null || position === undefined || !/^\d+$/.test(position)) return false;
  return BigInt(position) <= head;
}
