import { describe, expect, it, vi } from 'vitest';
import { checkManifestText } from '../../renderer/src/views/apply/checkManifestText.ts';

// The model promises never to throw; if a bug breaks that promise, the editor shows it instead of crashing.
vi.mock('../../shared/manifest/parseManifests.ts', () => ({
  parseManifests: () => {
    throw new ReferenceError('Buffer is not defined');
  },
}));

describe('checkManifestText when validation throws', () => {
  it('reports one error at the top instead of throwing', () => {
    expect(checkManifestText('kind: Secret\n')).toEqual({
      objects: [],
      errors: [
        {
          message: 'the manifest could not be checked: Buffer is not defined',
          path: '',
          document: 0,
          line: 1,
          from: 0,
          to: 0,
        },
      ],
    });
  });
});
