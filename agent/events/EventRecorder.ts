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

/** The reference an event makes to `obj` (namespace `default` when the object names none). */
export function involvedObjectOf(
  obj: { kind: string; metadata: { name: string; namespace?: string; uid?: string } },
  fieldPath?: string,
): InvolvedObject {
  return {
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name,
    ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
    ...(fieldPath ? { fieldPath } : {}),
  };
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
