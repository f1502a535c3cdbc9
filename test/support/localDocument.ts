// Options for a standalone cluster document (no network, made on first open), for tests and benchmarks.
import {
  documentIdFromBytes,
  type OpenClusterDocumentOptions,
} from '../../shared/store/openClusterDocument.ts';

export const LOCAL_DOCUMENT: OpenClusterDocumentOptions = {
  docId: documentIdFromBytes(new Uint8Array(16).fill(0x5a)),
  mode: 'create-if-missing',
};
