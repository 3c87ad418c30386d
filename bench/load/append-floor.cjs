'use strict';
// autocannon setupRequest: the append floor, with the same bodies and places as seize-city.cjs.
const seizeCity = require('./seize-city.cjs');
module.exports = function setupRequest(request) {
  seizeCity(request);
  request.path = request.path.replace('/admin/', '/bench/floor/');
  return request;
};
