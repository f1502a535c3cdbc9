// The leader's controllers, in the order their keys are reconciled within a tick.
import type { Controller } from './controllerTypes.ts';
import { DaemonSetController } from './daemonset/DaemonSetController.ts';
import { DeploymentController } from './deployment/DeploymentController.ts';
import { EndpointsController } from './endpoints/EndpointsController.ts';
import { GarbageCollector } from './gc/GarbageCollector.ts';
import { JobController } from './job/JobController.ts';
import { NodeLifecycleController } from './nodelifecycle/NodeLifecycleController.ts';
import { ReplicaSetController } from './replicaset/ReplicaSetController.ts';
import { SchedulerController } from './scheduler/SchedulerController.ts';

export function buildControllers(): Controller[] {
  return [
    new DeploymentController(),
    new ReplicaSetController(),
    new SchedulerController(),
    new JobController(),
    new DaemonSetController(),
    new NodeLifecycleController(),
    new GarbageCollector(),
    new EndpointsController(),
  ];
}
