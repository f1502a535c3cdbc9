// The `shoal` executable as a script would use it: output, exit codes, and every error at once.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runShoal } from '../support/runShoal.ts';

const fixtures = 'test/fixtures/manifests';

describe('shoal apply --dry-run=client', () => {
  it('prints help for the command and for apply, exit 0', async () => {
    const top = await runShoal(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('apply');
    const apply = await runShoal(['apply', '--help']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('--dry-run');
  });

  it('accepts a directory of real-world manifests and says what would be created', async () => {
    const r = await runShoal(['apply', '--dry-run=client', '-f', `${fixtures}/guestbook/`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'deployment.apps/frontend created (dry run)',
      'service/frontend created (dry run)',
      'deployment.apps/redis-follower created (dry run)',
      'service/redis-follower created (dry run)',
      'deployment.apps/redis-leader created (dry run)',
      'service/redis-leader created (dry run)',
    ]);
  });

  it('prints the defaulted objects as a Kubernetes List with -o json, from standard input', async () => {
    const manifest =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: busybox}]}\n';
    const r = await runShoal(
      ['apply', '--dry-run=client', '-f', '-', '-f', `${fixtures}/nginx-deployment.yaml`, '-o', 'json'],
      {
        stdin: manifest,
      },
    );
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.kind).toBe('List');
    expect(list.items.map((i: { kind: string }) => i.kind)).toEqual(['Pod', 'Deployment']);
    expect(list.items[0].spec.containers[0].imagePullPolicy).toBe('Always');
    expect(list.items[1].spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: '25%' });
  });

  it('prints one object as itself with -o yaml', async () => {
    const r = await runShoal([
      'apply',
      '--dry-run=client',
      '-f',
      `${fixtures}/nginx-deployment.yaml`,
      '-o',
      'yaml',
    ]);
    expect(r.code).toBe(0);
    const obj = parse(r.stdout);
    expect(obj.kind).toBe('Deployment');
    expect(obj.metadata.namespace).toBe('default');
  });

  it('rejects broken manifests with every error and exit 1, printing nothing to stdout', async () => {
    const r = await runShoal(['apply', '--dry-run=client', '-f', `${fixtures}/broken/many-errors.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    for (const expected of [
      'document 0 (line 1), Deployment "Web_App": metadata.name: Invalid value: "Web_App"',
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.spec.containers[0].image: Required value',
      'spec.template.spec.containers[0].resources.limits.memory: Invalid value: "lots"',
      'spec.template.spec.containers[1].name: Duplicate value: "web"',
      'spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`',
      'Service "web": spec.type: Unsupported value: "LoadBalancer"',
      'spec.ports[0].protocol: Unsupported value: "UDP"',
      'Ingress "web": kind: Unsupported value: "Ingress"',
      'Pod "p": spec.serviceAccountName: Unknown field',
      'spec.containers[0].volumeMounts[0].name: Not found: "missing"',
    ]) {
      expect(r.stderr).toContain(expected);
    }
  });

  it('uses exit 2 for usage errors and names the problem', async () => {
    const badFormat = await runShoal([
      'apply',
      '--dry-run=client',
      '-f',
      `${fixtures}/nginx-deployment.yaml`,
      '-o',
      'xml',
    ]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('output format "xml"');
    const unknownFlag = await runShoal(['apply', '-f', 'x.yaml', '--frobnicate']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain('--frobnicate');
  });

  it('says a missing file is missing, and that applying for real needs an agent', async () => {
    const missing = await runShoal(['apply', '--dry-run=client', '-f', 'no/such.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('the path "no/such.yaml" does not exist');
    const noAgent = await mkdtemp(join(tmpdir(), 'shoal-noagent-'));
    try {
      const real = await runShoal(['apply', '-f', `${fixtures}/nginx-deployment.yaml`], {
        env: { SHOAL_DATA_DIR: noAgent },
      });
      expect(real.code).toBe(1);
      expect(real.stderr).toContain(`${join(noAgent, 'api.json')} does not exist`);
      expect(real.stderr).toContain('shoal up');
    } finally {
      await rm(noAgent, { recursive: true, force: true });
    }
  });
});
