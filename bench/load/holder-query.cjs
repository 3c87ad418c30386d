'use strict';
// autocannon setupRequest: "who held office X on date D".
const OFFICES = Number(process.env.BENCH_OFFICES || 100);
let n = 0;
module.exports = function setupRequest(request) {
  n++;
  request.method = 'GET';
  request.path = `/leadership/offices/bench-office-${(n * 7919) % OFFICES}/holder?asOf=20${10 + (n % 15)}-06-15`;
  return request;
};
