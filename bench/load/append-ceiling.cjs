'use strict';
// autocannon setupRequest: the client ceiling (one append to a store-nothing server), with the do-nothing POST's body.
const noopPost = require('./noop-post.cjs');
module.exports = function setupRequest(request) {
  noopPost(request);
  request.path = '/bench/ceiling/appends';
  return request;
};
