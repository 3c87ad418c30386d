import { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner.js';
import type { TestApp } from '../support/test-app.js';
import { audit, post } from '../write-side/support.js';

/** Sends a command (editor key), expects 201, waits until every projection applied it; resolves with its result. */
export async function command(app: TestApp, path: string, body: object): Promise<{ position: string; eventIds: string[] }> {
  const response = await post(app, path, body);
  if (response.status !== 201) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
  await app.app.get(ProjectionRunner).waitFor(response.body.position);
  return response.body;
}

/** GET with the auditor key (which may also read). */
export const get = (app: TestApp, path: string) => audit(app, path);
