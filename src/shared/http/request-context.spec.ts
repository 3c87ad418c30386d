import { UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { actorOf } from './request-context.js';

const request = (fields: { principal?: { owner: string }; headers?: Record<string, string> }) =>
  ({ headers: {}, ...fields }) as unknown as FastifyRequest;

describe('actorOf', () => {
  it('is the owner of the accepted API key, whatever x-actor says', () => {
    expect(actorOf(request({ principal: { owner: 'alice' }, headers: { 'x-actor': 'mallory' } }))).toBe('alice');
  });

  it('refuses a request the auth guard did not authenticate, even with x-actor', () => {
    expect(() => actorOf(request({ headers: { 'x-actor': 'mallory' } }))).toThrow(UnauthorizedException);
  });
});
