import type { OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { projectionBaseName, type ProjectionChange } from './projection.js';
import type { ProjectionRunnerApi } from './projection-runner.js';

/** What a cache of one read model is told: a change of some of its rows, or that any of its rows may have changed. */
export interface ReadModelWatcher {
  /** A committed change of the model, after its commit, in log order (its keys name what it changed). */
  changed(change: ProjectionChange): void;
  /** The model's tables were replaced or reset, or changes may have been missed: drop everything. */
  reset(): void;
}

/**
 * Tells in-process caches of a read model when its stored rows change, so that a cached answer is never older than
 * what the store would answer once this process heard of the change.
 *
 * `exact` says whether it can: only when this process's runner is the read store's only writer and every write it
 * makes is announced here. That holds for a SQLite read store in `DATA_DIR` with this process's runner (in the API's
 * thread or its own worker thread): the runner emits each change after its commit; a rebuild's reset or swap is
 * announced with `replaced(name)`; a projection thread that died may have committed changes it never posted, so the
 * end of its change stream resets every watcher. It does not hold for a PostgreSQL read store (several API
 * instances, or an import with both stores external, write it unheard), nor for an import whose API runs the
 * projections: caches must then read the store every time.
 */
export class ReadModelChanges implements OnModuleDestroy {
  private readonly watchers = new Set<{ base: string; watcher: ReadModelWatcher }>();
  private changes?: Subscription;
  private closed = false;

  constructor(
    private readonly runner: ProjectionRunnerApi,
    readonly exact: boolean,
  ) {}

  /**
   * Calls `watcher` for the changes of the projection named `name` (any version of it) until the returned
   * subscription ends. Watching does nothing when not `exact`: the caller should then not cache at all.
   */
  watch(name: string, watcher: ReadModelWatcher): { unsubscribe(): void } {
    const entry = { base: projectionBaseName(name), watcher };
    this.watchers.add(entry);
    this.follow();
    return { unsubscribe: () => this.watchers.delete(entry) };
  }

  /** A projection's tables were reset or replaced outside its change stream (a rebuild): its watchers drop all. */
  replaced(name: string): void {
    const base = projectionBaseName(name);
    for (const { base: watched, watcher } of this.watchers) if (watched === base) watcher.reset();
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.changes?.unsubscribe();
  }

  /** One subscription to the runner's changes for every watcher; followed again when it ends (a thread restart). */
  private follow(): void {
    if (this.changes || this.closed || !this.exact) return;
    this.changes = this.runner.changes$.subscribe({
      next: (change) => {
        const base = projectionBaseName(change.projection);
        for (const { base: watched, watcher } of this.watchers) if (watched === base) watcher.changed(change);
      },
      complete: () => {
        this.changes = undefined;
        for (const { watcher } of this.watchers) watcher.reset();
        this.follow();
      },
    });
  }
}
