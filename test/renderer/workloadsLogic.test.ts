// The Workloads view's pure logic: kubectl's status columns, revisions, rollout progress, replica input.
import { describe, expect, it } from 'vitest';
import { currentRevision, deploymentRevisions } from '../../renderer/src/views/workloads/revisions.ts';
import { percentOf, rolloutProgress } from '../../renderer/src/views/workloads/rolloutProgress.ts';
import { parseReplicas } from '../../renderer/src/views/workloads/scaleInput.ts';
import { durationBetween } from '../../shared/display/duration.ts';
import {
  daemonSetCells,
  deploymentCells,
  jobCells,
  replicaSetCells,
} from '../../shared/display/workloadStatus.ts';
import type { DaemonSet, Deployment, Job, ReplicaSet } from '../../shared/model/types.ts';
import { ROLLED_OUT_CONDITIONS, webDeployment, webReplicaSet, webTemplate } from './fixtures.ts';

const template = webTemplate('nginx:1');

function deployment(replicas: number, status: Deployment['status'], generation = 1): Deployment {
  return webDeployment(replicas, status, { generation }, 'nginx:1');
}

function replicaSet(
  name: string,
  revision: string | undefined,
  image: string,
  ownerUid?: string,
): ReplicaSet {
  return webReplicaSet(name, { revision, image, ownerUid });
}

describe('status columns', () => {
  it('deployment READY x/y, UP-TO-DATE, AVAILABLE', () => {
    expect(
      deploymentCells(deployment(3, { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 })),
    ).toEqual({
      ready: '2/3',
      upToDate: '3',
      available: '2',
      tone: 'warn',
    });
    expect(
      deploymentCells(deployment(2, { readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 })).tone,
    ).toBe('ok');
    expect(deploymentCells(deployment(0, undefined))).toMatchObject({ ready: '0/0', tone: 'idle' });
  });

  it('replica set DESIRED/CURRENT/READY', () => {
    expect(replicaSetCells(replicaSet('web-1', '1', 'nginx:1'))).toEqual({
      desired: '1',
      current: '1',
      ready: '1',
      tone: 'ok',
    });
  });

  it('daemon set DESIRED/CURRENT/READY/UP-TO-DATE/AVAILABLE/NODE SELECTOR', () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: { ...template, spec: { ...template.spec, nodeSelector: { os: 'linux', disk: 'ssd' } } },
      },
      status: {
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberReady: 2,
        numberMisscheduled: 0,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
      },
    } as DaemonSet;
    expect(daemonSetCells(ds)).toEqual({
      desired: '3',
      current: '3',
      ready: '2',
      upToDate: '3',
      available: '2',
      nodeSelector: 'disk=ssd,os=linux',
      tone: 'warn',
    });
  });

  it('job STATUS, COMPLETIONS and DURATION', () => {
    const job = (spec: Partial<Job['spec']>, status: Job['status']) =>
      ({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'j', namespace: 'default' },
        spec: { template, ...spec },
        status,
      }) as Job;
    const done = job(
      { completions: 3 },
      {
        succeeded: 3,
        startTime: '2026-01-01T00:00:00Z',
        completionTime: '2026-01-01T00:01:05Z',
        conditions: [{ type: 'Complete', status: 'True' }],
      },
    );
    expect(jobCells(done, Date.parse('2026-01-02T00:00:00Z'))).toEqual({
      status: 'Complete',
      completions: '3/3',
      duration: '65s',
      tone: 'ok',
    });
    const running = job({ parallelism: 2 }, { active: 2, startTime: '2026-01-01T00:00:00Z' });
    expect(jobCells(running, Date.parse('2026-01-01T00:05:30Z'))).toEqual({
      status: 'Running',
      completions: '0/1 of 2',
      duration: '5m30s',
      tone: 'warn',
    });
    const failed = job({}, { failed: 4, conditions: [{ type: 'Failed', status: 'True' }] });
    expect(jobCells(failed, 0)).toMatchObject({
      status: 'Failed',
      completions: '0/1',
      duration: '',
      tone: 'error',
    });
    expect(durationBetween('x', '2026-01-01T00:00:00Z')).toBe('');
  });
});

describe('revisions', () => {
  it('lists the owned replica sets by revision, newest first, skipping others', () => {
    const sets = [
      replicaSet('web-a', '1', 'nginx:1'),
      replicaSet('web-c', '3', 'nginx:3'),
      replicaSet('web-b', '2', 'nginx:2'),
      replicaSet('web-x', 'nope', 'nginx:9'),
      replicaSet('other', '7', 'redis', 'other-uid'),
    ];
    const d = deployment(1, {});
    const revisions = deploymentRevisions(d, sets);
    expect(revisions.map((r) => [r.revision, r.images])).toEqual([
      [3, ['nginx:3']],
      [2, ['nginx:2']],
      [1, ['nginx:1']],
    ]);
    expect(currentRevision(d, revisions)).toBe(3);
  });
});

describe('rolloutProgress', () => {
  it('says what the rollout waits for, as kubectl rollout status', () => {
    expect(rolloutProgress(deployment(3, { observedGeneration: 1 }, 2)).message).toBe(
      'Waiting for deployment spec update to be observed...',
    );
    expect(
      rolloutProgress(deployment(3, { observedGeneration: 1, updatedReplicas: 1, replicas: 3 })).message,
    ).toBe('Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...');
    expect(
      rolloutProgress(deployment(3, { observedGeneration: 1, updatedReplicas: 3, replicas: 4 })).message,
    ).toMatch(/1 old replicas are pending termination/);
    expect(
      rolloutProgress(
        deployment(3, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }),
      ).message,
    ).toMatch(/2 of 3 updated replicas are available/);
    const done = rolloutProgress(
      deployment(3, {
        observedGeneration: 1,
        updatedReplicas: 3,
        replicas: 3,
        availableReplicas: 3,
        readyReplicas: 3,
        conditions: ROLLED_OUT_CONDITIONS,
      }),
    );
    expect(done).toMatchObject({ done: true, failed: false, desired: 3, updated: 3, ready: 3, available: 3 });
    expect(done.message).toBe('deployment "web" successfully rolled out');
    expect(done.conditions.map((c) => c.type)).toEqual(['Available', 'Progressing']);
  });

  it('reports a rollout past its deadline as failed', () => {
    const stuck = rolloutProgress(
      deployment(2, {
        observedGeneration: 1,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      }),
    );
    expect(stuck).toMatchObject({
      failed: true,
      done: false,
      message: 'deployment "web" exceeded its progress deadline',
    });
  });

  it('fills bars in percent, full for zero desired', () => {
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(5, 3)).toBe(100);
    expect(percentOf(0, 0)).toBe(100);
  });
});

describe('parseReplicas', () => {
  it('accepts whole numbers and names what is wrong otherwise', () => {
    expect(parseReplicas(' 4 ')).toEqual({ ok: true, replicas: 4 });
    expect(parseReplicas('-1')).toEqual({ ok: false, error: 'replicas must be a whole number, 0 or more' });
    expect(parseReplicas('2.5').ok).toBe(false);
    expect(parseReplicas('20000')).toEqual({ ok: false, error: 'replicas must be at most 10000' });
  });
});
