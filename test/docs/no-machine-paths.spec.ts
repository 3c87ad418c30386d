import fs from 'node:fs';
import path from 'node:path';

/** A clone on another machine must read the same: docs and data name no folder outside the repository. */
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

const filesUnder = (dir: string): string[] =>
  fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(relative) : [relative];
  });

const READER_FILES = ['README.md', ...filesUnder('docs'), ...filesUnder('seed')];

describe('docs and seed data', () => {
  it.each(READER_FILES)('%s names no absolute path of a machine and no folder outside the repository', (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    expect(text).not.toMatch(/(^|[\s(`'"])\/(work|home|root|tmp|Users)\//m);
    expect(text).not.toMatch(/\.\.\/shared\//);
  });

  it('every relative link of README.md opens a file of the repository', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((match) => match[1]).filter((target) => !/^[a-z]+:/.test(target));
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect([target, fs.existsSync(path.join(ROOT, target))]).toEqual([target, true]);
  });
});
