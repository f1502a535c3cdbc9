import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseManifests } from '../../shared/manifest/parseManifests.ts';
import type { Pod } from '../../shared/model/types.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/manifests/${name}`, import.meta.url), 'utf8');

describe('parseManifests', () => {
  it.each([
    ['guestbook/redis-leader.yaml', 2],
    ['guestbook/redis-follower.yaml', 2],
    ['guestbook/frontend.yaml', 2],
    ['nginx-deployment.yaml', 1],
    ['kubectl-generated.yaml', 1],
    ['batch-and-config.yaml', 5],
    ['list.json', 2],
  ])('accepts the real-world manifest %s', (name, count) => {
    const parsed = parseManifests(fixture(name), name);
    expect(parsed.problems.flatMap(formatProblem)).toEqual([]);
    expect(parsed.objects).toHaveLength(count);
  });

  it('locates each object by source, document, list item and line', () => {
    const parsed = parseManifests(fixture('list.json'), 'list.json');
    expect(parsed.objects.map((o) => [o.location.document, o.location.item, o.object.kind])).toEqual([
      [0, 0, 'Namespace'],
      [0, 1, 'Service'],
    ]);
    const yaml = parseManifests(fixture('guestbook/frontend.yaml'), 'f.yaml');
    expect(yaml.objects.map((o) => o.location.line)).toEqual([1, 30]);
  });

  it('reports every error of every document with its location, and still returns the valid objects', () => {
    const text = `
apiVersion: v1
kind: ConfigMap
metadata: {name: ok}
---
apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  containers:
  - name: c
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80, protocol: UDP}]
`;
    const parsed = parseManifests(text, 'mixed.yaml');
    expect(parsed.objects.map((o) => o.object.metadata.name)).toEqual(['ok']);
    expect(parsed.problems.flatMap(formatProblem)).toEqual([
      'mixed.yaml: document 1 (line 6), Pod "bad": spec.containers[0].image: Required value',
      'mixed.yaml: document 2 (line 13), Service "web": spec.ports[0].protocol: Unsupported value: "UDP": Shoal\'s service proxy supports TCP only',
    ]);
  });

  it('reports YAML syntax errors instead of throwing', () => {
    const parsed = parseManifests(fixture('broken/syntax.yaml'), 'syntax.yaml');
    expect(parsed.objects).toEqual([]);
    expect(parsed.problems[0]?.messages[0]).toMatch(/^YAML: .*line 4/);
  });

  it('skips empty documents and comments-only documents', () => {
    const parsed = parseManifests(
      '---\n# nothing here\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n',
      'x',
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.objects.map((o) => o.object.metadata.name)).toEqual(['a']);
  });

  it('reads YAML 1.1 as Kubernetes does: 0644 is octal', () => {
    const parsed = parseManifests(fixture('batch-and-config.yaml'), 'b.yaml');
    const pod = parsed.objects.find((o) => o.object.kind === 'Pod')?.object as Pod;
    expect(pod.spec.volumes?.[0]?.configMap?.defaultMode).toBe(0o644);
  });

  it('puts objects without a namespace into -n, and refuses objects from another one', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: prod}\n';
    const parsed = parseManifests(text, 'x', { namespace: 'dev', enforceNamespace: true });
    expect(parsed.objects.map((o) => o.object.metadata.namespace)).toEqual(['dev']);
    expect(parsed.problems.flatMap(formatProblem)[0]).toContain(
      'the namespace from the provided object "prod" does not match the namespace "dev"',
    );
  });

  it('refuses a list without items and a document that is not a mapping', () => {
    const parsed = parseManifests('kind: List\napiVersion: v1\n---\n- a\n- b\n', 'x');
    expect(parsed.problems.flatMap(formatProblem)).toEqual([
      'x: document 0 (line 1), List: items: Required value',
      'x: document 1 (line 4): Invalid value: ["a","b"]: an object must be a mapping',
    ]);
  });
});
