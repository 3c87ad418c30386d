import { canonicalJson, commandLines, lineKey } from '../../src/import/ndjson.js';

describe('NDJSON import lines', () => {
  it('skips blank and # comment lines but keeps the file line numbers', () => {
    const text = ['# a comment', '', '{"type":"A"}', '   ', '  # indented comment', '\t{"type":"B"}  ', ''].join('\n');
    expect(commandLines(text)).toEqual([
      { line: 3, text: '{"type":"A"}' },
      { line: 6, text: '{"type":"B"}' },
    ]);
  });

  it('accepts CRLF line ends and a byte-order mark', () => {
    expect(commandLines('\uFEFF{"type":"A"}\r\n\r\n{"type":"B"}\r\n')).toEqual([
      { line: 1, text: '{"type":"A"}' },
      { line: 3, text: '{"type":"B"}' },
    ]);
  });

  it('keys a command by its content, not by its formatting or key order', () => {
    const a = { type: 'RegisterFaction', factionId: 'hts', name: 'Hayat Tahrir al-Sham', aliases: ['HTS'] };
    const b = JSON.parse('{ "aliases": ["HTS"], "name": "Hayat Tahrir al-Sham",  "factionId": "hts", "type": "RegisterFaction" }');
    expect(canonicalJson(b)).toBe('{"aliases":["HTS"],"factionId":"hts","name":"Hayat Tahrir al-Sham","type":"RegisterFaction"}');
    expect(lineKey(a)).toBe(lineKey(b));
    expect(lineKey(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives different commands different keys (array order and nested values count)', () => {
    const base = { type: 'RegisterFaction', factionId: 'hts', name: 'HTS', aliases: ['a', 'b'] };
    expect(lineKey(base)).not.toBe(lineKey({ ...base, aliases: ['b', 'a'] }));
    expect(lineKey(base)).not.toBe(lineKey({ ...base, name: 'HTS ' }));
    expect(lineKey({ occurred: { date: '2024', precision: 'year' } })).not.toBe(
      lineKey({ occurred: { date: '2024-12', precision: 'month' } }),
    );
  });
});
