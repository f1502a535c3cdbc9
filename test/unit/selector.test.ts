// Cases from k8s.io/apimachinery/pkg/labels/selector_test.go and pkg/apis/meta/v1/validation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../../shared/model/fieldErrors.ts';
import {
  formatLabelSelector,
  formatParsedSelector,
  type LabelSelector,
  type LabelSelectorRequirement,
  matchesEquality,
  matchesLabelSelector,
  matchesParsedSelector,
  parseLabelSelectorString,
  validateLabelSelector,
} from '../../shared/model/selector.ts';

function parse(s: string) {
  const r = parseLabelSelectorString(s);
  if (!r.ok) throw new Error(r.error);
  return r.selector;
}

describe('validateLabelSelector', () => {
  const path = 'spec.selector';
  const messages = (sel: unknown) => validateLabelSelector(sel, path).map(formatFieldError);

  it('accepts good selectors and no selector', () => {
    expect(messages(undefined)).toEqual([]);
    expect(messages({})).toEqual([]);
    expect(
      messages({
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'example.com/canary', operator: 'DoesNotExist' },
        ],
      }),
    ).toEqual([]);
  });

  it('requires values for In and NotIn', () => {
    expect(messages({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] })).toEqual([
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ]);
  });

  it('forbids values for Exists and DoesNotExist', () => {
    expect(messages({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toEqual([
      "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    ]);
  });

  it('lists the supported operators', () => {
    expect(messages({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toEqual([
      'spec.selector.matchExpressions[0].operator: Unsupported value: "Gt": supported values: "In", "NotIn", "Exists", "DoesNotExist"',
    ]);
  });

  it('checks keys and values', () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { 'bad key': 'v' },
        matchExpressions: [{ key: '-a', operator: 'In', values: ['ok', 'not ok', 3] }],
      },
      path,
    );
    expect(errs.map((e) => e.path)).toEqual([
      'spec.selector.matchLabels[bad key]',
      'spec.selector.matchExpressions[0].key',
      'spec.selector.matchExpressions[0].values[1]',
      'spec.selector.matchExpressions[0].values[2]',
    ]);
  });

  it('refuses unknown fields', () => {
    const errs = validateLabelSelector(
      { matchLabel: { a: 'b' }, matchExpressions: [{ key: 'a', operator: 'Exists', value: 'x' }] },
      path,
    );
    expect(errs.map(formatFieldError)).toEqual([
      'spec.selector.matchLabel: Unknown field: field not supported by Shoal',
      'spec.selector.matchExpressions[0].value: Unknown field: field not supported by Shoal',
    ]);
  });

  it('refuses things that are not selectors', () => {
    expect(messages('app=web')).toHaveLength(1);
    expect(messages({ matchExpressions: {} })).toHaveLength(1);
    expect(messages({ matchExpressions: ['a'] })).toHaveLength(1);
    expect(messages({ matchExpressions: [{}] })).toEqual([
      'spec.selector.matchExpressions[0].operator: Required value',
      'spec.selector.matchExpressions[0].key: Required value',
    ]);
  });
});

describe('matchesLabelSelector', () => {
  const labels = { app: 'web', tier: 'front' };
  it('selects nothing with no selector and everything with an empty one', () => {
    expect(matchesLabelSelector(undefined, labels)).toBe(false);
    expect(matchesLabelSelector({}, labels)).toBe(true);
    expect(matchesLabelSelector({}, undefined)).toBe(true);
    expect(matchesLabelSelector({ matchLabels: {}, matchExpressions: [] }, {})).toBe(true);
  });
  it('applies matchLabels and matchExpressions together', () => {
    expect(matchesLabelSelector({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(matchesLabelSelector({ matchLabels: { app: 'db' } }, labels)).toBe(false);
    const sel: LabelSelector = {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }],
    };
    expect(matchesLabelSelector(sel, labels)).toBe(true);
    expect(matchesLabelSelector(sel, { app: 'web' })).toBe(false);
  });
  it('lets absent labels satisfy NotIn and DoesNotExist', () => {
    expect(
      matchesLabelSelector(
        { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
        labels,
      ),
    ).toBe(true);
    expect(
      matchesLabelSelector({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels),
    ).toBe(true);
    expect(
      matchesLabelSelector({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels),
    ).toBe(false);
  });
  it('selects nothing when the selector is not valid', () => {
    expect(
      matchesLabelSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, labels),
    ).toBe(false);
    const bogus = {
      matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }],
    } as unknown as LabelSelector;
    expect(matchesLabelSelector(bogus, labels)).toBe(false);
    expect(formatLabelSelector(bogus)).toBe('<error>');
    const proto = { matchExpressions: [{ key: 'app', operator: 'toString' }] } as unknown as LabelSelector;
    expect(matchesLabelSelector(proto, labels)).toBe(false);
  });
  it('does not find inherited properties', () => {
    expect(matchesLabelSelector({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, {})).toBe(
      false,
    );
  });
});

describe('matchesEquality', () => {
  it('needs every pair', () => {
    expect(matchesEquality({ app: 'web' }, { app: 'web', x: 'y' })).toBe(true);
    expect(matchesEquality({ app: 'web', tier: 'a' }, { app: 'web' })).toBe(false);
    expect(matchesEquality({}, undefined)).toBe(true);
    expect(matchesEquality({ app: 'web' }, undefined)).toBe(false);
  });
});

describe('parseLabelSelectorString', () => {
  it.each([
    'x=a,y=b,z=c',
    '',
    'x!=a,y=b',
    'x=',
    'x= ',
    'x=,z= ',
    'x= ,z= ',
    '!x',
    '\rx',
    'x in (), y',
    'x notin ( ), y',
    'x in (,), y',
    'w in (,,,)',
    'x in (a), y in (b)',
    'x notin (, a)',
    'a ',
    'a in (x,y,notin, z,in)',
    'x==a',
    'app.kubernetes.io/name in (web, api)',
  ])('parses %j', (s) => expect(parseLabelSelectorString(s).ok).toBe(true));

  it.each([
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x,,y', "found ',', expected: identifier after ','"],
    [',x,y', "found ',', expected: !, identifier, or 'end of string'"],
    ['x nott in (y)', "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !="],
    ['a in (xyz),', "found '', expected: identifier after ','"],
    ['a in (xyz)b notin ()', "found 'b', expected: ',' or 'end of string'"],
    ['a in (xyz abc)', "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ['a notin(', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !="],
    ['(', "found '(', expected: !, identifier, or 'end of string'"],
    ['x<1', "unable to parse requirement: found '<', expected: in, notin, =, ==, !="],
  ])('refuses %j', (s, error) => expect(parseLabelSelectorString(s)).toEqual({ ok: false, error }));

  it('refuses invalid keys and values with their reasons', () => {
    expect(parseLabelSelectorString('x=a||y=b')).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        /^unable to parse requirement: values\[0\]\[x\]: Invalid value: "a\|\|y": a valid label/,
      ),
    });
    const bad = parseLabelSelectorString('Bad Key=x');
    expect(bad.ok).toBe(false);
    const badValue = parseLabelSelectorString('app=not/ok');
    expect(badValue).toMatchObject({
      ok: false,
      error: expect.stringContaining('values[0][app]: Invalid value: "not/ok"'),
    });
    expect(parseLabelSelectorString('-a')).toMatchObject({
      ok: false,
      error: expect.stringContaining('name part must consist'),
    });
  });

  it('reads requirements as Kubernetes does', () => {
    expect(parse('x in (foo,,baz),y,z notin ()')).toEqual([
      { key: 'x', operator: 'in', values: ['', 'baz', 'foo'] },
      { key: 'y', operator: 'exists', values: [] },
      { key: 'z', operator: 'notin', values: [''] },
    ]);
    expect(parse('b!=2, a==1, !c')).toEqual([
      { key: 'a', operator: '==', values: ['1'] },
      { key: 'b', operator: '!=', values: ['2'] },
      { key: 'c', operator: '!', values: [] },
    ]);
  });

  it.each([
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['x=,z= ', 'x=,z='],
    ['x= ,z= ', 'x=,z='],
    ['!x', '!x'],
    ['b=1,a!=2', 'a!=2,b=1'],
  ])('prints %j as %j', (s, expected) => expect(formatParsedSelector(parse(s))).toBe(expected));
});

describe('matchesParsedSelector', () => {
  it.each([
    ['', { x: 'y' }],
    ['x=y', { x: 'y' }],
    ['x=y,z=w', { x: 'y', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'a' }],
    ['notin=in', { notin: 'in' }],
    ['x', { x: 'z' }],
    ['!x', { y: 'z' }],
    ['x in (a,b)', { x: 'b' }],
    ['x notin (a,b)', {}],
  ] as [string, Record<string, string>][])('%j matches %j', (s, labels) => {
    expect(matchesParsedSelector(parse(s), labels)).toBe(true);
  });
  it.each([
    ['x=z', {}],
    ['x=y', { x: 'z' }],
    ['x=y,z=w', { x: 'w', z: 'w' }],
    ['x!=y,z!=w', { x: 'z', z: 'w' }],
    ['x', { y: 'z' }],
    ['!x', { x: 'z' }],
    ['x in (a,b)', {}],
  ] as [string, Record<string, string>][])('%j does not match %j', (s, labels) => {
    expect(matchesParsedSelector(parse(s), labels)).toBe(false);
  });
});

describe('formatLabelSelector', () => {
  it('prints selectors as kubectl describe does', () => {
    expect(
      formatLabelSelector({
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }],
      }),
    ).toBe('app=web,tier in (a,b)');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] })).toBe(
      '!canary',
    );
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector(undefined)).toBe('<none>');
  });
});

describe('properties', () => {
  const key = fc.constantFrom('a', 'b', 'app', 'example.com/tier');
  const value = fc.constantFrom('', 'v', 'w', 'web');
  const requirement: fc.Arbitrary<LabelSelectorRequirement> = fc.oneof(
    fc.record({
      key,
      operator: fc.constantFrom('In' as const, 'NotIn' as const),
      values: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ key, operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
  );
  const selector: fc.Arbitrary<LabelSelector> = fc.record(
    {
      matchLabels: fc.dictionary(key, value, { maxKeys: 2 }),
      matchExpressions: fc.array(requirement, { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );
  const labels = fc.dictionary(key, value, { maxKeys: 4 });

  it('a selector agrees with the string kubectl prints for it', () => {
    fc.assert(
      fc.property(selector, labels, (sel, l) => {
        const printed = formatLabelSelector(sel);
        const parsed = parseLabelSelectorString(printed === '<none>' ? '' : printed);
        if (!parsed.ok) return false;
        return matchesLabelSelector(sel, l) === matchesParsedSelector(parsed.selector, l);
      }),
    );
  });

  it('printing a parsed selector and parsing it again is stable', () => {
    fc.assert(
      fc.property(selector, (sel) => {
        const printed = formatLabelSelector(sel);
        if (printed === '<none>') return true;
        return formatParsedSelector(parse(printed)) === printed;
      }),
    );
  });

  it('matchLabels alone behaves like matchesEquality', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 3 }), labels, (m, l) => {
        return matchesLabelSelector({ matchLabels: m }, l) === matchesEquality(m, l);
      }),
    );
  });
});
