'use strict';
// autocannon setupRequest: "who controlled place X on date D".
const PLACES = Number(process.env.BENCH_PLACES || 500);
let n = 0;
module.exports = function setupRequest(request) {
  n++;
  request.method = 'GET';
  request.path = `/territory/places/bench-place-${(n * 7919) % PLACES}/control?asOf=20${10 + (n % 15)}-06-15`;
  return request;
};
