import fs from 'node:fs';
import path from 'node:path';

/**
 * The embedded event store is a SQLite file served by the process that opened it: a second process opening the
 * same DATA_DIR (an import while the API runs) would have its own server over the same file, and the API's
 * subscriptions would never hear of the import's appends. Before the CLI boots, it looks for other processes
 * holding the data files open: an API that published its endpoint there is imported through (import-target.ts);
 * anything else makes the import refuse to start.
 *
 * Linux only (it reads /proc/<pid>/fd); elsewhere it finds nothing (see canListHolders in import-target.ts).
 * Returns the ids of the other processes, empty when none (or when it cannot tell).
 */
export function processesHoldingOpen(files: string[]): number[] {
  const wanted = new Set<string>();
  for (const file of files) {
    const resolved = path.resolve(file);
    // SQLite's companions are held open alongside the database in WAL mode.
    for (const suffix of ['', '-wal', '-shm']) wanted.add(realpathOr(resolved + suffix));
  }
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const holders: number[] = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to inspect
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (wanted.has(target)) {
        holders.push(Number(pid));
        break;
      }
    }
  }
  return holders;
}

/** /proc shows resolved paths: resolve the directory (the file itself may not exist yet). */
function realpathOr(file: string): string {
  try {
    return path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
  } catch {
    return file;
  }
}
