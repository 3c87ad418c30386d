'use strict';
// autocannon setupRequest: the do-nothing GET.
module.exports = function setupRequest(request) {
  request.method = 'GET';
  request.path = '/bench/noop?asOf=2020-06-15';
  return request;
};
