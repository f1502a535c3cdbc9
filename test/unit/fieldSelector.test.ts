// Cases from k8s.io/apimachinery/pkg/fields/selector_test.go, and matching against objects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesFieldSelector, parseFieldSelector } from '../../shared/model/fieldSelector.ts';

function parse(s: string) {
  const r = parseFieldSelector(s);
  if (!r.ok) throw new Error(r.error);
  return r.selector;
}

describe('parseFieldSelector', () => {
  it.each([
    'x=a,y=b,z=c',
    '',
    'x!=a,y=b',
    'x=a||y\\=b',
    'x=a\\=\\=b',
    'status.phase==Running',
    'spec.nodeName=',
  ])('parses %j', (s) => expect(parseFieldSelector(s).ok).toBe(true));

  it.each([
    ['x=a||y=b', 'invalid field selector: unescaped character in value: ='],
    ['x==a==b', 'invalid field selector: unescaped character in value: ='],
    ['x=a,b', "invalid selector: 'x=a,b'; can't understand 'b'"],
    ['x in (a)', "invalid selector: 'x in (a)'; can't understand 'x in (a)'"],
    ['x', "invalid selector: 'x'; can't understand 'x'"],
    ['x=a\\b', 'invalid field selector: invalid escape sequence: \\b'],
    ['x=a\\', 'invalid field selector: invalid escape sequence: \\'],
    ['status.phase = Running', 'field label not supported: status.phase '],
    ['=a', 'field label not supported: '],
  ])('refuses %j', (s, error) => expect(parseFieldSelector(s)).toEqual({ ok: false, error }));

  it('splits on the first operator and unescapes values', () => {
    expect(parse('metadata.name!=web,x=a\\,b')).toEqual([
      { field: 'metadata.name', operator: '!=', value: 'web' },
      { field: 'x', operator: '=', value: 'a,b' },
    ]);
    expect(parse('a==b')).toEqual([{ field: 'a', operator: '==', value: 'b' }]);
  });
});

describe('matchesFieldSelector', () => {
  const pod = {
    metadata: { name: 'web-1', namespace: 'default' },
    spec: { nodeName: 'n1', replicas: 3, hostNetwork: false, containers: [{ name: 'c' }] },
    status: { phase: 'Running', podIP: null },
  };

  it.each([
    ['', true],
    ['metadata.name=web-1', true],
    ['metadata.name==web-1,metadata.namespace=default', true],
    ['metadata.name!=web-1', false],
    ['status.phase=Running,spec.nodeName!=n2', true],
    ['spec.nodeName=', false],
    ['spec.replicas=3', true],
    ['spec.hostNetwork=false', true],
    // Missing and null fields read as the empty string.
    ['spec.schedulerName=', true],
    ['status.podIP=', true],
    ['status.podIP!=', false],
    ['nothing.here.at.all=', true],
    // Objects and lists are not values.
    ['spec.containers=', false],
    ['spec.containers!=', true],
  ])('%j is %s', (s, expected) => expect(matchesFieldSelector(parse(s), pod)).toBe(expected));

  it('reads own fields only', () => {
    expect(matchesFieldSelector(parse('metadata.constructor='), pod)).toBe(true);
    expect(matchesFieldSelector(parse('metadata.name='), null)).toBe(true);
  });

  it('= and != are opposites for any value', () => {
    const value = fc.string({ maxLength: 6 });
    fc.assert(
      fc.property(value, fc.option(value, { nil: undefined }), (wanted, actual) => {
        const obj = { status: { phase: actual } };
        const esc = wanted.replace(/[\\,=]/g, (c) => `\\${c}`);
        const eq = matchesFieldSelector(parse(`status.phase=${esc}`), obj);
        const ne = matchesFieldSelector(parse(`status.phase!=${esc}`), obj);
        return eq !== ne && eq === ((actual ?? '') === wanted);
      }),
    );
  });
});
