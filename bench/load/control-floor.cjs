'use strict';
// autocannon setupRequest: the query floor (the control query's DTO, then its one stored-interval read).
const PLACES = Number(process.env.BENCH_PLACES || 500);
let n = 0;
module.exports = function setupRequest(request) {
  n++;
  request.method = 'GET';
  request.path = `/bench/floor/places/bench-place-${(n * 7919) % PLACES}/control?asOf=20${10 + (n % 15)}-06-15`;
  return request;
};
