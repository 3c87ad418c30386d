import type { Decider, DomainEvent } from './decider.js';
import { DomainError } from './domain-error.js';

/**
 * Given/When/Then for deciders (after Emmett's DeciderSpecification):
 *
 *   spec.given([placeRegistered]).when(seizeCity).then([citySeized]);
 *   spec.given([]).when(seizeCity).thenThrows('TERRITORY.UNKNOWN_PLACE');
 *
 * Framework-free: failures throw an Error with both sides printed, so any test runner reports them.
 */
export function deciderSpecification<C, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return {
    given(events: E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
          return {
            then(expected: E[]): void {
              const actual = run();
              const a = JSON.stringify(actual, null, 2);
              const e = JSON.stringify(expected, null, 2);
              if (!deepEqual(actual, expected)) throw new Error(`expected events\n${e}\nbut decided\n${a}`);
            },
            thenThrows(code: string, check?: (error: DomainError) => void): void {
              let decided: E[];
              try {
                decided = run();
              } catch (error) {
                if (!(error instanceof DomainError)) throw error;
                if (error.code !== code) throw new Error(`expected DomainError ${code} but got ${error.code}: ${error.message}`);
                check?.(error);
                return;
              }
              throw new Error(`expected DomainError ${code} but decided\n${JSON.stringify(decided, null, 2)}`);
            },
          };
        },
      };
    },
  };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
