import { toControl } from '../../queries/territory.read-model.js';
import { PLACE_CONTROL_JSON_SCHEMA } from './territory.response.dto.js';

describe('PLACE_CONTROL_JSON_SCHEMA', () => {
  it('names every field of a control answer (a field it does not name would be left out of the HTTP answer)', () => {
    const answer = toControl('hama', [
      { controller: 'hts', from: '2024-12-05', to: null, disputed: false, contenders: ['hts'], sourceEventIds: ['e1'], approximate: false, inferred: false },
    ], '2024-12-06');
    expect(Object.keys(PLACE_CONTROL_JSON_SCHEMA.properties).sort()).toEqual(Object.keys(answer).sort());
    expect([...PLACE_CONTROL_JSON_SCHEMA.required].sort()).toEqual(Object.keys(answer).sort());
  });
});
