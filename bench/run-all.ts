/**
 * `npm run bench`: every benchmark in turn, each printing its figures beside its reference and the ratio asked
 * for. Nothing here asserts; targets are printed next to the numbers. `npm run bench -- NAME` runs one.
 */
const BENCHES: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  'event-store': () => import('./event-store.bench.js'),
  restart: () => import('./restart.bench.js'),
  'projection-replay': () => import('./projection-replay.bench.js'),
  http: () => import('./http.bench.js'),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  for (const name of names) {
    const load = BENCHES[name];
    if (!load) throw new Error(`unknown bench "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    console.log(`\n=== ${name} ===`);
    const started = performance.now();
    await (await load()).run();
    console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
