import { describe, expect, it } from 'vitest';
import { formatMatcher, matches, matchesAll, parseMatcher } from './matchers.js';
import { render } from './templates.js';
import { holds, parseClause } from './clause.js';

describe('matchers', () => {
  it('parses the four operators, quoted or not', () => {
    expect(parseMatcher('site=nyc-pop1')).toEqual({ name: 'site', op: '=', value: 'nyc-pop1' });
    expect(parseMatcher(' role != iad ')).toEqual({ name: 'role', op: '!=', value: 'iad' });
    expect(parseMatcher('region=~"east|west"')).toEqual({ name: 'region', op: '=~', value: 'east|west' });
    expect(formatMatcher(parseMatcher('alertname!~test.*'))).toBe('alertname!~"test.*"');
  });

  it('anchors regular expressions and treats a missing label as empty', () => {
    const labels = { site: 'nyc-pop1', role: 'core' };
    expect(matches(parseMatcher('site=~nyc'), labels)).toBe(false);
    expect(matches(parseMatcher('site=~nyc.*'), labels)).toBe(true);
    expect(matches(parseMatcher('customer!=acme'), labels)).toBe(true);
    expect(matches(parseMatcher('customer='), labels)).toBe(true);
    expect(matchesAll([parseMatcher('site=nyc-pop1'), parseMatcher('role=iad')], labels)).toBe(false);
  });

  it('says what is wrong', () => {
    expect(() => parseMatcher('site')).toThrow(/expected a matcher such as/);
    expect(() => parseMatcher('site=~(')).toThrow(/invalid regular expression/);
  });
});

describe('clauses', () => {
  it('compares a numeric field; a missing or text field never holds', () => {
    const asr = parseClause('asr < 40');
    expect(holds(asr, { asr: 39.9 })).toBe(true);
    expect(holds(asr, { asr: 40 })).toBe(false);
    expect(holds(asr, {})).toBe(false);
    expect(holds(asr, { asr: 'low' })).toBe(false);
    expect(holds(parseClause('attempts >= 20'), { attempts: 20 })).toBe(true);
    expect(holds(parseClause('oper_status != 1'), { oper_status: 2 })).toBe(true);
    expect(() => parseClause('asr <> 4')).toThrow(/field op number/);
  });
});

describe('annotation templates', () => {
  it('fills labels, value, detail and the Grafana URL, escaping on request', () => {
    const context = { alertname: 'asr-low', severity: 'major', labels: { switch: 'ss 1' }, value: 37.12345, grafanaUrl: 'http://g:3000/' };
    expect(render('ASR {{value}} % on {{labels.switch}}', context)).toBe('ASR 37.123 % on ss 1');
    expect(render('{{grafanaUrl}}/d/callboard-triage?var-switch={{ labels.switch | urlquery }}', context)).toBe(
      'http://g:3000/d/callboard-triage?var-switch=ss%201',
    );
    expect(render('{{labels.nothing}}{{unknown}}!', context)).toBe('!');
  });
});
