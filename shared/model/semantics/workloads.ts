// Rules that tie a controller's selector, template and strategy together (Kubernetes' apps and batch validation).
import type { FieldError } from '../fieldErrors.ts';
import { forbidden, invalid, required, unsupported } from '../fieldErrors.ts';
import { matchesLabelSelector } from '../selector.ts';
import type { DaemonSet, Deployment, Job, PodTemplate, ReplicaSet } from '../types.ts';
import { validatePodSpec } from './pod.ts';

type Selector = ReplicaSet['spec']['selector'];

function validateSelectorAndTemplate(selector: Selector | undefined, template: PodTemplate): FieldError[] {
  const errors: FieldError[] = [];
  if (!selector) return errors;
  const empty = !selector.matchLabels && !selector.matchExpressions;
  const hasTerms =
    Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0;
  if (empty || !hasTerms) {
    errors.push(invalid('spec.selector', selector, 'empty selector is invalid for deployment'));
    return errors;
  }
  const labels = template.metadata?.labels ?? {};
  if (!matchesLabelSelector(selector, labels)) {
    errors.push(
      invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'),
    );
  }
  return errors;
}

function validateTemplate(template: PodTemplate, allowed: readonly string[]): FieldError[] {
  const errors = validatePodSpec(template.spec, 'spec.template.spec');
  const policy = template.spec.restartPolicy;
  if (policy === undefined) {
    errors.push(
      required(
        'spec.template.spec.restartPolicy',
        `valid values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
      ),
    );
  } else if (!allowed.includes(policy)) {
    errors.push(unsupported('spec.template.spec.restartPolicy', policy, allowed));
  }
  if (template.spec.activeDeadlineSeconds !== undefined && allowed.includes('Always')) {
    errors.push(
      forbidden(
        'spec.template.spec.activeDeadlineSeconds',
        'activeDeadlineSeconds in ReplicaSet is not Supported',
      ),
    );
  }
  return errors;
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  return [
    ...validateSelectorAndTemplate(rs.spec.selector, rs.spec.template),
    ...validateTemplate(rs.spec.template, ['Always']),
  ];
}

/** `25%` or `1`, as a count of `replicas` (rounded as Kubernetes does for the bound asked for). */
function isZero(v: number | string | undefined): boolean {
  return v === 0 || v === '0%';
}

export function validateDeployment(d: Deployment): FieldError[] {
  const errors = [
    ...validateSelectorAndTemplate(d.spec.selector, d.spec.template),
    ...validateTemplate(d.spec.template, ['Always']),
  ];
  const strategy = d.spec.strategy;
  if (strategy?.type === 'Recreate' && strategy.rollingUpdate) {
    errors.push(
      forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"),
    );
  }
  const ru = strategy?.rollingUpdate;
  if (ru && isZero(ru.maxSurge) && isZero(ru.maxUnavailable)) {
    errors.push(
      invalid(
        'spec.strategy.rollingUpdate.maxUnavailable',
        ru.maxUnavailable,
        'may not be 0 when `maxSurge` is 0',
      ),
    );
  }
  for (const field of ['maxSurge', 'maxUnavailable'] as const) {
    const v = ru?.[field];
    if (typeof v === 'string' && Number.parseInt(v, 10) > 100 && field === 'maxUnavailable') {
      errors.push(invalid(`spec.strategy.rollingUpdate.${field}`, v, 'must not be greater than 100%'));
    }
  }
  const deadline = d.spec.progressDeadlineSeconds;
  if (deadline !== undefined && deadline <= (d.spec.minReadySeconds ?? 0)) {
    errors.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  return errors;
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const errors = [
    ...validateSelectorAndTemplate(ds.spec.selector, ds.spec.template),
    ...validateTemplate(ds.spec.template, ['Always']),
  ];
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  if (ru && isZero(ru.maxSurge ?? 0) && isZero(ru.maxUnavailable ?? 1)) {
    errors.push(
      invalid(
        'spec.updateStrategy.rollingUpdate.maxUnavailable',
        ru.maxUnavailable,
        'may not be 0 when `maxSurge` is 0',
      ),
    );
  }
  if (ds.spec.updateStrategy?.type === 'OnDelete' && ru) {
    errors.push(
      forbidden(
        'spec.updateStrategy.rollingUpdate',
        "may not be specified when strategy `type` is 'OnDelete'",
      ),
    );
  }
  return errors;
}

export function validateJob(job: Job): FieldError[] {
  const errors = validateTemplate(job.spec.template, ['OnFailure', 'Never']);
  // The job's name becomes the value of its pods' `job-name` label, which is at most 63 characters.
  if (job.metadata.name.length > 63) {
    errors.push(invalid('metadata.name', job.metadata.name, 'must be no more than 63 characters'));
  }
  if (job.spec.selector && job.spec.manualSelector) {
    errors.push(...validateSelectorAndTemplate(job.spec.selector, job.spec.template));
  } else if (job.spec.selector) {
    errors.push(invalid('spec.selector', job.spec.selector, '`selector` will be auto-generated'));
  }
  return errors;
}
