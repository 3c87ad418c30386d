'use strict';
// autocannon setupRequest: the append floor (the SeizeCity body, validated, then one append to a new stream).
const PLACES = Number(process.env.BENCH_PLACES || 500);
const FACTIONS = ['bench-a', 'bench-b', 'bench-c', 'bench-d'];
let n = 0;
module.exports = function setupRequest(request) {
  n++;
  const day = 1 + (n % 28);
  const month = 1 + (n % 12);
  request.method = 'POST';
  request.path = `/bench/floor/places/bench-place-${(n * 7919) % PLACES}/seizures`;
  request.body = JSON.stringify({
    factionId: FACTIONS[n % FACTIONS.length],
    occurred: { date: `20${10 + (n % 15)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, precision: 'day' },
    sources: [{ outlet: 'bench wire' }],
  });
  return request;
};
