// Tables from k8s.io/apimachinery/pkg/util/validation/validation_test.go, plus properties of the grammars.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../../shared/model/fieldErrors.ts';
import {
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
  validateAnnotations,
  validateLabels,
  validatePortName,
  validatePortNumber,
} from '../../shared/model/names.ts';

const a = (n: number) => 'a'.repeat(n);

describe('dns1123LabelErrors', () => {
  const good = [
    'a',
    'ab',
    'abc',
    'a1',
    'a-1',
    'a--1--2--b',
    '0',
    '01',
    '012',
    '1a',
    '1-a',
    '1--a--b--2',
    a(63),
  ];
  const bad = [
    ...['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b'],
    ...[
      '1_',
      '_1',
      '1_2',
      '.',
      'a.',
      '.a',
      'a.b',
      '1.',
      '.1',
      '1.2',
      ' ',
      'a ',
      ' a',
      'a b',
      '1 ',
      ' 1',
      '1 2',
    ],
    a(64),
  ];
  it.each(good)('accepts %j', (v) => expect(dns1123LabelErrors(v)).toEqual([]));
  it.each(bad)('refuses %j', (v) => expect(dns1123LabelErrors(v)).not.toEqual([]));

  it("uses Kubernetes' message", () => {
    expect(dns1123LabelErrors('My_Name')).toEqual([
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end " +
        "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(dns1123LabelErrors('a.b')).toEqual(['must not contain dots']);
    expect(dns1123LabelErrors(a(64))).toEqual(['must be no more than 63 characters']);
  });

  const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  it('accepts every generated label', () => {
    fc.assert(fc.property(label, (v) => dns1123LabelErrors(v).length === 0));
  });
  it('refuses a label with an uppercase letter anywhere', () => {
    fc.assert(
      fc.property(label, fc.nat(), fc.constantFrom(...'ABCXYZ'), (v, i, upper) => {
        const at = i % (v.length + 1);
        return dns1123LabelErrors(v.slice(0, at) + upper + v.slice(at)).length > 0;
      }),
    );
  });
});

describe('dns1123SubdomainErrors', () => {
  const good = [
    ...['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2'],
    ...['a.a', 'ab.a', 'abc.a', 'a1.a', 'a-1.a', 'a--1--2--b.a', 'a.1', 'ab.1', 'abc.1', 'a1.1', 'a-1.1'],
    ...['0.a', '01.a', '012.a', '1a.a', '1-a.a', '1--a--b--2', '0.1', '01.1', '012.1', '1a.1', '1-a.1'],
    ...['a.b.c.d.e', 'aa.bb.cc.dd.ee', '1.2.3.4.5', '11.22.33.44.55', a(253)],
  ];
  const bad = [
    ...['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b'],
    ...['1_', '_1', '1_2', '.', 'a.', '.a', 'a..b', '1.', '.1', '1..2', ' ', 'a ', ' a', 'a b', '1 ', ' 1'],
    ...['1 2', 'A.a', 'aB.a', 'ab.A', 'A1.a', 'a1.A', 'A.1', 'aB.1', 'A1.1', '1A.1', '0.A', '01.A', '012.A'],
    ...['1A.a', '1a.A', 'A.B.C.D.E', 'AA.BB.CC.DD.EE', 'a.B.c.d.e', 'aa.bB.cc.dd.ee', 'a@b', 'a,b', 'a_b'],
    ...['a;b', 'a:b', 'a%b', 'a?b', 'a$b', a(254)],
  ];
  it.each(good)('accepts %j', (v) => expect(dns1123SubdomainErrors(v)).toEqual([]));
  it.each(bad)('refuses %j', (v) => expect(dns1123SubdomainErrors(v)).not.toEqual([]));
});

describe('dns1035LabelErrors', () => {
  const good = ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', a(63)];
  const bad = [
    ...['0', '01', '012', '1a', '1-a', '1--a--b--2', '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-'],
    ...['-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1'],
    ...['1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', a(64)],
  ];
  it.each(good)('accepts %j', (v) => expect(dns1035LabelErrors(v)).toEqual([]));
  it.each(bad)('refuses %j', (v) => expect(dns1035LabelErrors(v)).not.toEqual([]));
  it('says a Service name must start with a letter', () => {
    expect(dns1035LabelErrors('1-a')[0]).toMatch(/^a DNS-1035 label .* start with an alphabetic character/);
  });
});

describe('qualifiedNameErrors', () => {
  const good = [
    ...['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple'],
    ...['now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple'],
    ...[
      '1-num.2-num/3-num',
      '1234/5678',
      '1.2.3.4/5678',
      'Uppercase_Is_OK_123',
      'example.com/Uppercase_Is_OK_123',
    ],
    ...['requests.storage-foo', a(63), `${a(253)}/${'b'.repeat(63)}`],
  ];
  const bad = [
    ...[
      'nospecialchars%^=@',
      'cantendwithadash-',
      '-cantstartwithadash-',
      'only/one/slash',
      'Example.com/abc',
    ],
    ...['example_com/abc', 'example.com/', '/simple', a(64), `${a(254)}/abc`],
  ];
  it.each(good)('accepts %j', (v) => expect(qualifiedNameErrors(v)).toEqual([]));
  it.each(bad)('refuses %j', (v) => expect(qualifiedNameErrors(v)).not.toEqual([]));
  it('names the part that is wrong', () => {
    expect(qualifiedNameErrors('/simple')).toEqual(['prefix part must be non-empty']);
    expect(qualifiedNameErrors('example.com/')[0]).toBe('name part must be non-empty');
    expect(qualifiedNameErrors(a(64))).toEqual(['name part must be no more than 63 characters']);
    expect(qualifiedNameErrors('a/b/c')[0]).toMatch(
      /^a qualified name must consist of .* \(e\.g\. 'example\.com\/MyName'\)$/,
    );
  });
});

describe('labelValueErrors', () => {
  const good = ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', a(63), ''];
  const bad = [
    ...['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash'],
    ...['ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', a(64)],
  ];
  it.each(good)('accepts %j', (v) => expect(labelValueErrors(v)).toEqual([]));
  it.each(bad)('refuses %j', (v) => expect(labelValueErrors(v)).not.toEqual([]));
});

describe('validateLabels', () => {
  it('accepts good labels and no labels', () => {
    expect(validateLabels({ 'app.kubernetes.io/name': 'web', tier: '' }, 'metadata.labels')).toEqual([]);
    expect(validateLabels(undefined, 'metadata.labels')).toEqual([]);
  });
  it('names the offending key in the path', () => {
    const errs = validateLabels({ 'app.kubernetes.io/name': 'not ok', app: 7 }, 'metadata.labels');
    expect(errs.map((e) => [e.path, e.value])).toEqual([
      ['metadata.labels[app.kubernetes.io/name]', 'not ok'],
      ['metadata.labels.app', 7],
    ]);
    expect(formatFieldError(errs[1]!)).toBe('metadata.labels.app: Invalid value: 7: must be a string');
  });
  it('checks keys', () => {
    const [err] = validateLabels({ 'Bad Key': 'x' }, 'metadata.labels');
    expect(err).toMatchObject({ path: 'metadata.labels[Bad Key]', type: 'Invalid', value: 'Bad Key' });
  });
  it('refuses a list', () => {
    expect(validateLabels(['a'], 'metadata.labels')).toHaveLength(1);
  });
});

describe('validateAnnotations', () => {
  it('allows any case in keys and any string value', () => {
    expect(
      validateAnnotations({ 'Example.com/Note': 'anything at all: {"x": 1}' }, 'metadata.annotations'),
    ).toEqual([]);
  });
  it('refuses bad keys and non-string values', () => {
    const errs = validateAnnotations({ 'a/b/c': 'x', ok: true }, 'metadata.annotations');
    expect(errs.map((e) => e.path)).toEqual(['metadata.annotations[a/b/c]', 'metadata.annotations.ok']);
  });
  it('limits the total size to 256 KiB', () => {
    expect(validateAnnotations({ a: 'x'.repeat(256 * 1024 - 1) }, 'metadata.annotations')).toEqual([]);
    const errs = validateAnnotations({ a: 'x'.repeat(256 * 1024) }, 'metadata.annotations');
    expect(errs).toEqual([expect.objectContaining({ path: 'metadata.annotations', type: 'TooLong' })]);
  });
});

describe('ports', () => {
  it.each([1, 1000, 65535])('accepts port %d', (p) => expect(validatePortNumber(p, 'port')).toEqual([]));
  it.each([0, -1, 65536, 100000, 80.5, '80', undefined])('refuses port %j', (p) => {
    expect(validatePortNumber(p, 'port')).toHaveLength(1);
  });
  it('gives the range', () => {
    expect(formatFieldError(validatePortNumber(0, 'spec.ports[0].port')[0]!)).toBe(
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    );
  });

  const goodNames = ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3'];
  it.each(goodNames)('accepts port name %j', (n) => expect(validatePortName(n, 'name')).toEqual([]));
  it.each([
    ['longerthan15characters', 'must be no more than 15 characters'],
    ['', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
    [a(16), 'must be no more than 15 characters'],
    ['12345', 'must contain at least one letter (a-z)'],
    ['1-2-3-4', 'must contain at least one letter (a-z)'],
    ['-begin', 'must not begin or end with a hyphen'],
    ['end-', 'must not begin or end with a hyphen'],
    ['two--hyphens', 'must not contain consecutive hyphens'],
    ['whois++', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
  ])('refuses port name %j: %s', (n, msg) => {
    expect(validatePortName(n, 'name').map((e) => e.detail)).toContain(msg);
  });
});
