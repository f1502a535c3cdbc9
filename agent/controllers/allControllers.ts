// The leader's controllers, in the order their keys are reconciled within a tick.
import type { Controller } from './controllerTypes.ts';

export function buildControllers(): Controller[] {
  return [];
}
