// Typed store errors with the messages kubectl users know (`pods "web" not found`), so the CLI, the app
// and controllers can branch on the class and show the message unchanged.
import type { FieldError } from '../model/fieldErrors.ts';
import { formatFieldError } from '../model/fieldErrors.ts';
import { KIND_INFO, type Kind } from '../model/kinds.ts';

export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'Closed';

export abstract class StoreError extends Error {
  abstract readonly reason: StoreErrorReason;
}

abstract class ObjectError extends StoreError {
  constructor(
    readonly kind: Kind,
    readonly namespace: string | undefined,
    readonly objectName: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends ObjectError {
  readonly reason = 'NotFound';
  override readonly name = 'NotFoundError';
  constructor(kind: Kind, namespace: string | undefined, name: string) {
    super(kind, namespace, name, `${KIND_INFO[kind].plural} "${name}" not found`);
  }
}

export class AlreadyExistsError extends ObjectError {
  readonly reason = 'AlreadyExists';
  override readonly name = 'AlreadyExistsError';
  constructor(kind: Kind, namespace: string | undefined, name: string) {
    super(kind, namespace, name, `${KIND_INFO[kind].plural} "${name}" already exists`);
  }
}

export class ConflictError extends ObjectError {
  readonly reason = 'Conflict';
  override readonly name = 'ConflictError';
  constructor(kind: Kind, namespace: string | undefined, name: string) {
    super(
      kind,
      namespace,
      name,
      `Operation cannot be fulfilled on ${KIND_INFO[kind].plural} "${name}": the object has been modified; ` +
        'please apply your changes to the latest version and try again',
    );
  }
}

/** A write the store refuses because the object would not pass the validation applied to reads. */
export class InvalidObjectError extends StoreError {
  readonly reason = 'Invalid';
  override readonly name = 'InvalidObjectError';
  constructor(
    readonly kind: string,
    readonly objectName: string,
    readonly errors: readonly FieldError[],
  ) {
    super(`${kind} "${objectName}" is invalid: ${errors.map(formatFieldError).join(', ')}`);
  }
}

export class StoreClosedError extends StoreError {
  readonly reason = 'Closed';
  override readonly name = 'StoreClosedError';
  constructor() {
    super('the cluster store is closed');
  }
}
