// Kubernetes `Status` objects (metav1.Status): every error the API returns, in the shape kubectl and client
// libraries decode, and the mapping from the store's typed errors to them.
import type { FieldError, FieldErrorType } from '../../shared/model/fieldErrors.ts';
import { formatFieldError } from '../../shared/model/fieldErrors.ts';
import { isKind, KIND_INFO, type Kind } from '../../shared/model/kinds.ts';
import { StoreError } from '../../shared/store/ClusterStore.ts';

export type StatusReason =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'ServiceUnavailable'
  | 'InternalError';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

const CODES: Record<StatusReason, number> = {
  Unauthorized: 401,
  NotFound: 404,
  AlreadyExists: 409,
  Forbidden: 403,
  Conflict: 409,
  Invalid: 422,
  BadRequest: 400,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  ServiceUnavailable: 503,
  InternalError: 500,
};

/** An error that carries the Status to answer with. */
export class StatusError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
    this.name = 'StatusError';
  }
}

export function failure(reason: StatusReason, message: string, details?: StatusDetails): KubeStatus {
  const status: KubeStatus = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code: CODES[reason],
  };
  if (details) status.details = details;
  return status;
}

export function success(details?: StatusDetails): KubeStatus {
  const status: KubeStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) status.details = details;
  return status;
}

export function badRequest(message: string): StatusError {
  return new StatusError(failure('BadRequest', message));
}

/** `pods`, `deployments.apps`: how Kubernetes names a resource in messages. */
export function qualifiedResource(kind: Kind): string {
  const info = KIND_INFO[kind];
  const slash = info.apiVersion.indexOf('/');
  return slash === -1 ? info.plural : `${info.plural}.${info.apiVersion.slice(0, slash)}`;
}

function groupOf(kind: Kind): string | undefined {
  const v = KIND_INFO[kind].apiVersion;
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : undefined;
}

function resourceDetails(kind: Kind, name: string): StatusDetails {
  const details: StatusDetails = { name, kind: KIND_INFO[kind].plural };
  const group = groupOf(kind);
  if (group) details.group = group;
  return details;
}

export function notFound(kind: Kind, name: string): KubeStatus {
  return failure('NotFound', `${qualifiedResource(kind)} "${name}" not found`, resourceDetails(kind, name));
}

const CAUSE_REASONS: Record<FieldErrorType, string> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  Unsupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  Duplicate: 'FieldValueDuplicate',
  NotFound: 'FieldValueNotFound',
  Unknown: 'FieldValueInvalid',
};

/**
 * 422 Invalid, as the API server words it: `Deployment.apps "web" is invalid: [spec.replicas: ..., ...]`,
 * with one cause per field error.
 */
export function invalid(kind: string, name: string, errors: readonly FieldError[]): KubeStatus {
  const known = isKind(kind) ? kind : undefined;
  const group = known ? groupOf(known) : undefined;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const messages = errors.map(formatFieldError);
  const list = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  const details: StatusDetails = {
    name,
    kind,
    causes: errors.map((e) => {
      const cause: StatusCause = {
        reason: CAUSE_REASONS[e.type],
        message: formatFieldError({ ...e, path: '' }),
      };
      if (e.path !== '') cause.field = e.path;
      return cause;
    }),
  };
  if (group) details.group = group;
  const subject = name ? `${qualifiedKind} "${name}"` : qualifiedKind;
  return failure('Invalid', `${subject} is invalid: ${list}`, details);
}

/** The Status for anything a handler threw: store errors by their reason, everything else a 500. */
export function statusFromError(err: unknown): KubeStatus {
  if (err instanceof StatusError) return err.status;
  if (err instanceof StoreError) {
    const e = err as StoreError & { kind?: string; objectName?: string; errors?: readonly FieldError[] };
    const kind = e.kind !== undefined && isKind(e.kind) ? e.kind : undefined;
    const name = e.objectName ?? '';
    switch (e.reason) {
      case 'NotFound':
        return kind ? notFound(kind, name) : failure('NotFound', e.message);
      case 'AlreadyExists':
        return kind
          ? failure(
              'AlreadyExists',
              `${qualifiedResource(kind)} "${name}" already exists`,
              resourceDetails(kind, name),
            )
          : failure('AlreadyExists', e.message);
      case 'Conflict':
        return kind
          ? failure(
              'Conflict',
              `Operation cannot be fulfilled on ${qualifiedResource(kind)} "${name}": the object has been ` +
                'modified; please apply your changes to the latest version and try again',
              resourceDetails(kind, name),
            )
          : failure('Conflict', e.message);
      case 'Invalid':
        return invalid(e.kind ?? '', name, e.errors ?? []);
      case 'Closed':
        return failure('ServiceUnavailable', 'the agent is shutting down');
    }
  }
  return failure(
    'InternalError',
    `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
  );
}
