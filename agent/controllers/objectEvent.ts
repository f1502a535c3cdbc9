// The event action a controller plans about one of the objects it manages.
import type { KubeObject } from '../../shared/model/meta.ts';
import { type EventType, involvedObjectOf } from '../events/EventRecorder.ts';
import type { ControllerAction } from './controllerTypes.ts';

export function objectEvent(
  obj: Pick<KubeObject, 'kind' | 'metadata'>,
  type: EventType,
  reason: string,
  message: string,
  source?: string,
): ControllerAction {
  return {
    type: 'event',
    event: { involvedObject: involvedObjectOf(obj), type, reason, message, ...(source ? { source } : {}) },
  };
}
