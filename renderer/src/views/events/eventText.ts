// How an event is named and searched in the Overview and Events views.
import type { KubeEvent } from '../../connection/ClusterConnection.ts';

/** `pod/web-1`, or the kind alone for an event about no named object. */
export function eventObject(e: KubeEvent): string {
  const kind = (e.involvedObject.kind ?? '').toLowerCase();
  return e.involvedObject.name ? `${kind}/${e.involvedObject.name}` : kind;
}

export function eventNamespace(e: KubeEvent): string | undefined {
  return e.involvedObject.namespace || e.metadata.namespace || undefined;
}

/** `kubelet, node-a`. */
export function eventSource(e: KubeEvent): string {
  return [e.source?.component || e.reportingComponent, e.source?.host || e.reportingInstance]
    .filter((s) => s)
    .join(', ');
}

export function eventTimestamp(e: KubeEvent): string | undefined {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
}

/** Every text a filter may match, lowercased once. */
export function eventSearchText(e: KubeEvent): string {
  return [e.reason, e.message, eventObject(e), eventNamespace(e), eventSource(e), e.type]
    .filter((s) => s)
    .join(' ')
    .toLowerCase();
}

/** Key for React lists. */
export function eventKey(e: KubeEvent): string {
  return e.metadata.uid ?? `${e.metadata.namespace ?? ''}/${e.metadata.name}`;
}
