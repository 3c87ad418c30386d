import { formatProblem, formatRejection, formatSummary, progressReporter } from '../../src/import/import-progress.js';
import type { ImportProgress } from '../../src/import/import.service.js';

const problem = {
  type: 'urn:dateline:problem:validation.failed',
  title: 'Bad Request',
  status: 400,
  detail: '2 fields are invalid',
  code: 'VALIDATION.FAILED',
  errors: [
    { field: 'placeId', message: 'must be a slug' },
    { field: 'occurred.date', message: 'date 2024-02-30 does not exist' },
  ],
};

describe('import output', () => {
  it('formats a rejected line with its number, type, code and every field error', () => {
    expect(formatRejection({ line: 7, type: 'SeizeCity', error: problem })).toBe(
      'line 7 (SeizeCity) rejected: 400 VALIDATION.FAILED: 2 fields are invalid\n    placeId: must be a slug\n    occurred.date: date 2024-02-30 does not exist\n',
    );
  });

  it('does not repeat a single field error that is already the detail', () => {
    const single = { ...problem, detail: 'factionId: faction nobody is not registered', code: 'TERRITORY.UNKNOWN_FACTION', status: 422, errors: [{ field: 'factionId', message: 'faction nobody is not registered' }] };
    expect(formatProblem(single)).toBe('422 TERRITORY.UNKNOWN_FACTION: factionId: faction nobody is not registered');
  });

  it('summarises counts, and says when it was interrupted', () => {
    const summary = { source: 'hama.ndjson', total: 3, imported: 1, unchanged: 1, rejected: [{ line: 2, type: null, error: problem }], aborted: true, durationMs: 1500 };
    expect(formatSummary(summary)).toBe(
      'hama.ndjson: 3 command lines: 1 imported, 1 unchanged (already imported), 1 rejected, in 1.5s (interrupted: the remaining lines were not imported)\n',
    );
  });

  it('writes plain progress lines and every rejection when stderr is not a terminal', () => {
    const written: string[] = [];
    const reporter = progressReporter({ write: (text: string) => written.push(text), isTTY: false }, 'f.ndjson');
    const step = (done: number, outcome: ImportProgress['outcome']): ImportProgress => ({
      done,
      total: 3,
      line: done + 1,
      type: 'RegisterFaction',
      outcome,
      ...(outcome === 'rejected' ? { rejection: { line: done + 1, type: 'RegisterFaction', error: problem } } : {}),
    });
    reporter.onProgress(step(1, 'imported'));
    reporter.onProgress(step(2, 'rejected'));
    reporter.onProgress(step(3, 'unchanged'));
    reporter.stop();

    expect(written[0]).toMatch(/^import f\.ndjson: 1\/3 lines \(33%\), [\d.]+ lines\/s, ETA \d+s\n$/);
    expect(written).toContain(formatRejection({ line: 3, type: 'RegisterFaction', error: problem }));
    expect(written.at(-1)).toMatch(/^import f\.ndjson: 3\/3 lines \(100%\), [\d.]+ lines\/s, done\n$/);
  });
});
