'use strict';
// autocannon setupRequest: the do-nothing POST, with a body the size of a SeizeCity command.
module.exports = function setupRequest(request) {
  request.method = 'POST';
  request.path = '/bench/noop';
  request.body = JSON.stringify({ factionId: 'bench-a', occurred: { date: '2020-01-01', precision: 'day' }, sources: [{ outlet: 'bench wire' }] });
  return request;
};
