// Resource arguments as kubectl reads them: kind names in every spelling, comma lists, kind/name, `all`.
import { describe, expect, it } from 'vitest';
import { CliError } from '../../agent/cli/exitCodes.ts';
import { parseResourceArgs, quotedName, refsOf } from '../../agent/cli/resourceArgs.ts';

describe('resource arguments', () => {
  it('accepts plural, singular, short and Kind names, and comma lists', () => {
    for (const word of ['pods', 'pod', 'po', 'Pod', 'pods.v1']) {
      expect(parseResourceArgs([word])).toEqual({ type: 'kinds', kinds: ['Pod'], names: [] });
    }
    expect(parseResourceArgs(['deploy,svc,no,ds,rs,cm,ep,ns,ev'])).toMatchObject({
      kinds: [
        'Deployment',
        'Service',
        'Node',
        'DaemonSet',
        'ReplicaSet',
        'ConfigMap',
        'Endpoints',
        'Namespace',
        'Event',
      ],
    });
    expect(parseResourceArgs(['deployments.apps', 'web', 'api'])).toEqual({
      type: 'kinds',
      kinds: ['Deployment'],
      names: ['web', 'api'],
    });
    expect(parseResourceArgs(['all']).type === 'kinds' && parseResourceArgs(['all'])).toMatchObject({
      kinds: ['Pod', 'Service', 'DaemonSet', 'Deployment', 'ReplicaSet', 'Job'],
    });
  });

  it('reads kind/name pairs, and every name of every kind', () => {
    expect(refsOf(parseResourceArgs(['po/web', 'svc/web']))).toEqual([
      { kind: 'Pod', name: 'web' },
      { kind: 'Service', name: 'web' },
    ]);
    expect(refsOf(parseResourceArgs(['po,svc', 'a', 'b']))).toHaveLength(4);
  });

  it('refuses unknown kinds (exit 1), and missing or mixed forms (exit 2)', () => {
    const error = (args: string[]) => {
      try {
        parseResourceArgs(args);
      } catch (err) {
        return err as CliError;
      }
      throw new Error('parsed');
    };
    expect(error(['widgets'])).toMatchObject({ exitCode: 1, message: expect.stringContaining('"widgets"') });
    expect(error([]).exitCode).toBe(2);
    expect(error(['pods', 'svc/web']).exitCode).toBe(2);
    expect(error(['pod/']).exitCode).toBe(2);
    expect(error(['po/web', 'gadget/x']).exitCode).toBe(1);
    expect(error([])).toBeInstanceOf(CliError);
  });

  it('names objects as kubectl does in "deleted" lines', () => {
    expect(quotedName('Pod', 'web')).toBe('pod "web"');
    expect(quotedName('Deployment', 'web')).toBe('deployment.apps "web"');
  });
});
