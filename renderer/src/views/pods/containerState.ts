// A container's state in words, as `kubectl describe pod` shows it.
import type { Pod } from '../../../../shared/model/types.ts';
import type { StatusTone } from './podStatus.ts';

type ContainerStatus = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];
type ContainerState = NonNullable<ContainerStatus['state']>;

export interface StateText {
  label: string;
  detail?: string;
  tone: StatusTone;
}

export function describeState(state: ContainerState | undefined): StateText {
  if (state?.running) {
    return {
      label: 'Running',
      detail: state.running.startedAt && `since ${state.running.startedAt}`,
      tone: 'ok',
    };
  }
  if (state?.terminated) {
    const t = state.terminated;
    const detail = [`exit code ${t.exitCode}`, t.signal ? `signal ${t.signal}` : '', t.message ?? '']
      .filter(Boolean)
      .join(', ');
    return { label: `Terminated: ${t.reason ?? 'Error'}`, detail, tone: t.exitCode === 0 ? 'idle' : 'error' };
  }
  if (state?.waiting) {
    const reason = state.waiting.reason ?? 'Waiting';
    const stuck = reason !== 'ContainerCreating' && reason !== 'PodInitializing';
    return { label: `Waiting: ${reason}`, detail: state.waiting.message, tone: stuck ? 'error' : 'warn' };
  }
  return { label: 'Not started', tone: 'warn' };
}
