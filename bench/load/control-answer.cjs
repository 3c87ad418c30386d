'use strict';
// autocannon setupRequest: the query with no read, with the same places and days as control-query.cjs.
const controlQuery = require('./control-query.cjs');
module.exports = function setupRequest(request) {
  controlQuery(request);
  request.path = request.path.replace('/territory/', '/bench/floor/').replace('/control?', '/answer?');
  return request;
};
