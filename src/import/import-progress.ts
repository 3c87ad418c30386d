import cliProgress from 'cli-progress';
import type { ImportProblem } from './import-problem.js';
import type { ImportProgress, ImportSummary, RejectedLine } from './import.service.js';

/** Where the CLI writes: progress and rejections to stderr, the summary to stdout (tests pass their own). */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressReporter {
  onProgress(progress: ImportProgress): void;
  stop(): void;
}

/** A bar with rate and ETA on a terminal; plain lines (at most one a second, and every rejection) otherwise. */
export function progressReporter(stderr: Output, file: string): ProgressReporter {
  return stderr.isTTY ? new BarReporter(stderr as NodeJS.WritableStream) : new PlainReporter(stderr, file);
}

class BarReporter implements ProgressReporter {
  private bar?: cliProgress.SingleBar;
  private readonly rejected: RejectedLine[] = [];
  private readonly started = Date.now();
  private stopped = false;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  onProgress(progress: ImportProgress): void {
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.stream,
          format: 'import [{bar}] {percentage}% | {value}/{total} lines | {rate} lines/s | ETA {eta_formatted} | rejected {rejected}',
          hideCursor: true,
          etaBuffer: 50,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(progress.total, 0, { rate: '0', rejected: 0 });
    }
    if (progress.rejection) this.rejected.push(progress.rejection);
    this.bar.update(progress.done, { rate: rate(progress.done, this.started), rejected: this.rejected.length });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bar?.stop();
    // Printed after the bar, which would otherwise overwrite them.
    for (const rejection of this.rejected) this.stream.write(formatRejection(rejection));
  }
}

class PlainReporter implements ProgressReporter {
  private readonly started = Date.now();
  private lastReport = 0;

  constructor(
    private readonly out: Output,
    private readonly file: string,
  ) {}

  onProgress(progress: ImportProgress): void {
    if (progress.rejection) this.out.write(formatRejection(progress.rejection));
    const now = Date.now();
    if (now - this.lastReport >= 1000 || progress.done === progress.total) {
      this.lastReport = now;
      const left = progress.total - progress.done;
      const perSecond = progress.done / Math.max((now - this.started) / 1000, 0.001);
      const eta = left === 0 ? 'done' : `ETA ${Math.ceil(left / perSecond)}s`;
      this.out.write(
        `import ${this.file}: ${progress.done}/${progress.total} lines (${Math.floor((100 * progress.done) / progress.total)}%), ` +
          `${rate(progress.done, this.started)} lines/s, ${eta}\n`,
      );
    }
  }

  stop(): void {}
}

function rate(done: number, started: number): string {
  return (done / Math.max((Date.now() - started) / 1000, 0.001)).toFixed(1);
}

/** `line 7 (SeizeCity): 422 ...` then one indented line per field error. */
export function formatRejection({ line, type, error }: RejectedLine): string {
  return `line ${line} (${type ?? 'no type'}) rejected: ${formatProblem(error)}\n`;
}

export function formatProblem(problem: ImportProblem): string {
  const head = `${problem.status} ${problem.code ?? problem.title}: ${problem.detail}`;
  const errors = problem.errors ?? [];
  // A single field error is already the detail ("placeId: must be a slug ..."); list them when there are more.
  const repeated = errors.length === 1 && problem.detail.includes(errors[0].message);
  return head + (repeated ? '' : errors.map((e) => `\n    ${e.field}: ${e.message}`).join(''));
}

export function formatSummary(summary: ImportSummary): string {
  const seconds = (summary.durationMs / 1000).toFixed(1);
  return (
    `${summary.source}: ${summary.total} command lines: ${summary.imported} imported, ${summary.unchanged} unchanged ` +
    `(already imported), ${summary.rejected.length} rejected, in ${seconds}s` +
    (summary.aborted ? ' (interrupted: the remaining lines were not imported)' : '') +
    '\n'
  );
}
