import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { describeApplyResult, resourceName } from '../../renderer/src/views/apply/applyResults.ts';
import { checkManifestText } from '../../renderer/src/views/apply/checkManifestText.ts';
import { locateFieldPath, parseFieldPath } from '../../renderer/src/views/apply/fieldPathLocation.ts';
import { parseManifests } from '../../shared/manifest/parseManifests.ts';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
`;

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index === -1) throw new Error(`"${needle}" not in the text`);
  return text.slice(0, index).split('\n').length;
}

describe('parseFieldPath', () => {
  it('splits dots, list indexes and bracketed keys', () => {
    expect(parseFieldPath('spec.template.spec.containers[0].image')).toEqual([
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'image',
    ]);
    expect(parseFieldPath('metadata.labels[app.kubernetes.io/name]')).toEqual([
      'metadata',
      'labels',
      'app.kubernetes.io/name',
    ]);
    expect(parseFieldPath('items[2].spec')).toEqual(['items', 2, 'spec']);
    expect(parseFieldPath('')).toEqual([]);
  });
});

describe('locateFieldPath', () => {
  const doc = parseDocument(DEPLOYMENT);
  const lineAt = (offset: number | undefined) => DEPLOYMENT.slice(0, offset).split('\n').length;

  it('finds the key of a field, through lists', () => {
    expect(lineAt(locateFieldPath(doc, parseFieldPath('spec.replicas')))).toBe(
      lineOf(DEPLOYMENT, 'replicas'),
    );
    expect(lineAt(locateFieldPath(doc, parseFieldPath('spec.template.spec.containers[0].image')))).toBe(
      lineOf(DEPLOYMENT, 'image:'),
    );
    expect(
      lineAt(locateFieldPath(doc, parseFieldPath('spec.template.spec.containers[0].ports[0].containerPort'))),
    ).toBe(lineOf(DEPLOYMENT, 'containerPort'));
  });

  it('finds keys written with dots and slashes, and flow mappings', () => {
    expect(lineAt(locateFieldPath(doc, parseFieldPath('metadata.labels[app.kubernetes.io/name]')))).toBe(
      lineOf(DEPLOYMENT, 'app.kubernetes.io/name'),
    );
    expect(lineAt(locateFieldPath(doc, parseFieldPath('spec.selector.matchLabels.app')))).toBe(
      lineOf(DEPLOYMENT, 'matchLabels'),
    );
  });

  it('falls back to the nearest existing parent for a missing field', () => {
    expect(
      lineAt(locateFieldPath(doc, parseFieldPath('spec.template.spec.containers[0].resources.limits'))),
    ).toBe(lineOf(DEPLOYMENT, '- name: web'));
    expect(lineAt(locateFieldPath(doc, parseFieldPath('spec.template.spec.containers[3].image')))).toBe(
      lineOf(DEPLOYMENT, 'containers:'),
    );
    expect(lineAt(locateFieldPath(doc, parseFieldPath('spec.strategy')))).toBe(lineOf(DEPLOYMENT, 'spec:'));
    expect(locateFieldPath(doc, [])).toBe(0);
  });
});

describe('checkManifestText', () => {
  it('accepts a valid manifest and returns the admitted objects, as parseManifests does', () => {
    const check = checkManifestText(DEPLOYMENT);
    expect(check.errors).toEqual([]);
    expect(check.objects).toEqual(parseManifests(DEPLOYMENT, 'editor').objects.map((o) => o.object));
    expect(check.objects[0]?.metadata.namespace).toBe('default');
  });

  it('puts objects that name no namespace in the given one', () => {
    expect(checkManifestText(DEPLOYMENT, { namespace: 'dev' }).objects[0]?.metadata.namespace).toBe('dev');
  });

  it('reports each error with the CLI message, its path and the line of the field', () => {
    const text = DEPLOYMENT.replace('replicas: 2', 'replicas: -1').replace('        image: nginx:1.27\n', '');
    const check = checkManifestText(text);
    expect(check.errors.map((e) => e.message)).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.spec.containers[0].image: Required value',
    ]);
    const [replicas, image] = check.errors;
    expect(replicas).toMatchObject({
      path: 'spec.replicas',
      line: lineOf(text, 'replicas'),
      subject: 'Deployment "web"',
    });
    // The image is missing: the container it belongs to is shown.
    expect(image).toMatchObject({
      path: 'spec.template.spec.containers[0].image',
      line: lineOf(text, '- name: web'),
    });
    expect(text.slice(replicas?.from, replicas?.to)).toBe('replicas: -1');
  });

  it('gives the same messages as the CLI for the same text', () => {
    const text = `${DEPLOYMENT.replace('replicas: 2', 'replicas: -1')}---\napiVersion: v1\nkind: Service\nmetadata: {name: Bad_Name}\nspec:\n  ports: [{port: 80}]\n  bogus: 1\n`;
    const cli = parseManifests(text, 'editor').problems.flatMap((p) => p.messages);
    const check = checkManifestText(text);
    expect(check.errors.map((e) => e.message).sort()).toEqual([...cli].sort());
    expect(check.objects).toEqual([]);
    const bogus = check.errors.find((e) => e.path === 'spec.bogus');
    expect(bogus).toMatchObject({ document: 1, line: lineOf(text, 'bogus') });
  });

  it('locates errors in the items of a List', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: ok}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: bad
  data:
    key: 5
`;
    const [error, ...rest] = checkManifestText(text).errors;
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ path: 'data.key', line: lineOf(text, 'key: 5') });
  });

  it('shows a YAML syntax error at its line', () => {
    const text = `${DEPLOYMENT}---\nkind: Pod\nmetadata:\n  name: [a\n`;
    const errors = checkManifestText(text).errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.message).toMatch(/^YAML: /);
    expect(errors[0]?.document).toBe(1);
    expect(errors[0]?.line).toBeGreaterThan(lineOf(text, 'kind: Pod') - 1);
  });

  it('reports an unknown kind at the kind line, and empty text as nothing to apply', () => {
    const text = 'apiVersion: v1\nkind: Gadget\nmetadata: {name: x}\n';
    expect(checkManifestText(text).errors).toMatchObject([{ path: 'kind', line: 2 }]);
    expect(checkManifestText('')).toEqual({ objects: [], errors: [] });
    expect(checkManifestText('# only a comment\n')).toEqual({ objects: [], errors: [] });
  });
});

describe('apply results', () => {
  it('names resources as kubectl does', () => {
    expect(resourceName('Deployment', 'web')).toBe('deployment.apps/web');
    expect(resourceName('Service', 'web')).toBe('service/web');
    expect(resourceName('Job', 'pi')).toBe('job.batch/pi');
    expect(resourceName(undefined, 'x')).toBe('x');
  });

  it('shows the action, or the server error with its reason', () => {
    const object = { apiVersion: 'v1', kind: 'Service' as const, metadata: { name: 'web' } };
    expect(describeApplyResult({ action: 'created', object }, false)).toEqual({
      ok: true,
      resource: 'service/web',
      text: 'created',
    });
    expect(describeApplyResult({ action: 'unchanged', object }, true).text).toBe(
      'unchanged (server dry run)',
    );
    const failed = describeApplyResult(
      {
        error: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'namespace "x" is being terminated',
          reason: 'Forbidden',
          code: 403,
        },
        kind: 'Deployment',
        name: 'web',
      },
      false,
    );
    expect(failed).toEqual({
      ok: false,
      resource: 'deployment.apps/web',
      text: 'Error from server (Forbidden): namespace "x" is being terminated',
    });
  });
});
