import { deciderSpecification } from '../../../shared/domain/decider-specification.js';
import { personDecider } from './person.decider.js';

const spec = deciderSpecification(personDecider);

describe('person decider', () => {
  it('registers a person', () =>
    spec
      .given([])
      .when({ type: 'RegisterPerson', data: { personId: 'bashar-al-assad', name: 'Bashar al-Assad', aliases: ['Bashar'] } })
      .then([{ type: 'PersonRegistered', data: { personId: 'bashar-al-assad', name: 'Bashar al-Assad', aliases: ['Bashar'] } }]));

  it('refuses to register a person twice', () =>
    spec
      .given([{ type: 'PersonRegistered', data: { personId: 'p', name: 'P', aliases: [] } }])
      .when({ type: 'RegisterPerson', data: { personId: 'p', name: 'P' } })
      .thenThrows('LEADERSHIP.PERSON_ALREADY_REGISTERED', (e) => expect(e.errors[0].field).toBe('personId')));
});
