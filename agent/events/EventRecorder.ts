// What the kubelet (and later the controllers) call to say something happened to an object. Events are kept
// out of the cluster document (DESIGN.md: they travel as messages between peers); EventLog implements this.

export type EventType = 'Normal' | 'Warning';

export interface InvolvedObject {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  /** `spec.containers{web}`, as Kubernetes names the part of a pod an event is about. */
  fieldPath?: string;
}

export interface EventRecord {
  involvedObject: InvolvedObject;
  type: EventType;
  /** Kubernetes' reason word: Pulling, Pulled, Created, Started, Killing, BackOff, Unhealthy, Failed… */
  reason: string;
  message: string;
  /**
   * Progress of one ongoing thing (an image pull): records with the same series replace the message of the
   * one event in place instead of adding events or bumping its count.
   */
  series?: string;
  /** The component that reports it (`kubelet` when absent; `replicaset-controller`, `default-scheduler`…). */
  source?: string;
}

export interface EventRecorder {
  /** Records an event; a repeat of the same object, reason and message within a while bumps its count. */
  record(event: EventRecord): void;
}
