'use strict';
// autocannon setupRequest: the query floor, with the same places and days as control-query.cjs.
const controlQuery = require('./control-query.cjs');
module.exports = function setupRequest(request) {
  controlQuery(request);
  request.path = request.path.replace('/territory/', '/bench/floor/');
  return request;
};
