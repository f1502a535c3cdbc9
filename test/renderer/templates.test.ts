import { describe, expect, it } from 'vitest';
import {
  base64Utf8,
  defaultFormText,
  type FormText,
  generateObjects,
  manifestYaml,
  readFormText,
  TEMPLATES,
  type TemplateId,
} from '../../renderer/src/views/templates/templates.ts';
import { parseManifests } from '../../shared/manifest/parseManifests.ts';
import type { AnyObject } from '../../shared/model/types.ts';
import { admitObject } from '../../shared/model/validate.ts';

const fixedSecret = () => 'fixed-secret';

function generate(id: TemplateId, changes: Partial<FormText> = {}) {
  const read = readFormText(id, { ...defaultFormText(id, fixedSecret), ...changes });
  if (!read.ok) throw new Error(`form of ${id} refused: ${JSON.stringify(read.errors)}`);
  const objects = generateObjects(id, read.values);
  return { objects, yaml: manifestYaml(objects) };
}

/** Every object admitted by the model, and the YAML read back by the CLI's parser gives the same objects. */
function expectValid(id: TemplateId, changes: Partial<FormText> = {}): AnyObject[] {
  const { objects, yaml } = generate(id, changes);
  for (const o of objects) {
    const result = admitObject(o);
    expect(result.ok ? [] : result.errors, `${id} ${String(o.kind)}`).toEqual([]);
  }
  const parsed = parseManifests(yaml, 'template');
  expect(parsed.problems).toEqual([]);
  expect(parsed.objects.map((o) => o.object)).toEqual(
    objects.map((o) => {
      const r = admitObject(o);
      return r.ok ? r.object : undefined;
    }),
  );
  return parsed.objects.map((o) => o.object);
}

const EDGE_CASES: Partial<FormText>[] = [
  { name: 'a', namespace: 'kube-public' },
  { name: `x${'a'.repeat(40)}`, replicas: '0', port: '1' },
  { port: '65535', serviceType: 'NodePort', nodePort: '30000' },
  { serviceType: 'NodePort', nodePort: '32767' },
  { serviceType: 'NodePort', nodePort: '' },
  { serviceType: 'ClusterIP', nodePort: '31000' },
  { password: 'yes', database: '0644' },
  { password: `"quoted" 'single' : # {not: yaml} \\ \n new line`, database: '' },
  { html: '---\nkind: Secret\n<p>"quotes" & #hash: colon</p>\n', limit: '3', completions: '100' },
  { html: '', limit: '1000000', replicas: '1000' },
];

describe('templates', () => {
  it('has the five templates of the gallery', () => {
    expect(TEMPLATES.map((t) => t.id)).toEqual(['nginx', 'redis', 'postgres', 'static-site', 'batch-job']);
  });

  for (const t of TEMPLATES) {
    it(`${t.id}: the default form generates objects the model admits`, () => {
      expectValid(t.id);
    });
    it(`${t.id}: edge-case form values generate objects the model admits`, () => {
      for (const changes of EDGE_CASES) expectValid(t.id, changes);
    });
  }

  it('makes a Deployment and a Service whose selector matches the pods, on the port asked for', () => {
    const [deployment, service] = expectValid('nginx', { name: 'front', replicas: '3', port: '8081' });
    expect(deployment).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'front' },
      spec: { replicas: 3 },
    });
    expect(service).toMatchObject({
      kind: 'Service',
      spec: { type: 'NodePort', selector: { app: 'front' }, ports: [{ port: 8081, targetPort: 80 }] },
    });
  });

  it('sets a node port only for NodePort services', () => {
    const nodePortOf = (changes: Partial<FormText>) => {
      const svc = generate('redis', changes).objects.find((o) => o.kind === 'Service') as {
        spec: { ports: { nodePort?: number }[] };
      };
      return svc.spec.ports[0]?.nodePort;
    };
    expect(nodePortOf({ serviceType: 'NodePort', nodePort: '30080' })).toBe(30080);
    expect(nodePortOf({ serviceType: 'ClusterIP', nodePort: '30080' })).toBeUndefined();
    expect(nodePortOf({ serviceType: 'NodePort', nodePort: '' })).toBeUndefined();
  });

  it('keeps the postgres password in a Secret the container reads', () => {
    const [secret, deployment] = expectValid('postgres', { password: 'yes' });
    expect(secret).toMatchObject({ kind: 'Secret', metadata: { name: 'postgres-credentials' } });
    // "yes" stays text, not a YAML 1.1 boolean.
    expect((secret as { data: Record<string, string> }).data.POSTGRES_PASSWORD).toBe(btoa('yes'));
    expect(JSON.stringify(deployment)).toContain(
      '"secretKeyRef":{"name":"postgres-credentials","key":"POSTGRES_PASSWORD"}',
    );
    expect((deployment as { spec: { replicas: number } }).spec.replicas).toBe(1);
  });

  it('serves the static site from a ConfigMap mounted where httpd looks', () => {
    const html = '<h1>hi</h1>\n';
    const [configMap, deployment] = expectValid('static-site', { html });
    expect(configMap).toMatchObject({ kind: 'ConfigMap', data: { 'index.html': html } });
    const container = (
      deployment as { spec: { template: { spec: { containers: { command: string[] }[] } } } }
    ).spec.template.spec.containers[0];
    expect(container?.command).toEqual(['httpd', '-f', '-v', '-p', '8080', '-h', '/www']);
  });

  it('makes a Job that never restarts its pod in place', () => {
    const [job] = expectValid('batch-job', { limit: '100', completions: '2' });
    expect(job).toMatchObject({
      kind: 'Job',
      spec: { completions: 2, template: { spec: { restartPolicy: 'Never' } } },
    });
    expect(JSON.stringify(job)).toContain('"name":"LIMIT","value":"100"');
  });

  it('refuses form text that is not a number where one is needed, naming the field', () => {
    const read = readFormText('nginx', {
      ...defaultFormText('nginx'),
      replicas: 'two',
      port: '70000',
      serviceType: 'NodePort',
      nodePort: '80',
    });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors).toEqual({
      replicas: 'must be a whole number from 0 to 1000',
      port: 'must be from 1 to 65535',
      nodePort: 'must be from 30000 to 32767',
    });
  });

  it('asks for a postgres password, and makes a random one by default', () => {
    const read = readFormText('postgres', { ...defaultFormText('postgres'), password: '' });
    expect(read.ok ? {} : read.errors).toHaveProperty('password');
    const a = defaultFormText('postgres').password;
    const b = defaultFormText('postgres').password;
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(a).not.toBe(b);
  });

  it('encodes secrets as UTF-8 base64, as Kubernetes does', () => {
    for (const text of ['', 'plain', 'pässwörd €', '🐟 shoal']) {
      expect(base64Utf8(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
    }
  });

  it('leaves names to the model, whose errors say what is wrong', () => {
    const { objects } = generate('nginx', { name: 'My App' });
    const result = admitObject(objects[0]);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toContain('metadata.name');
  });
});
