// Resource arguments as kubectl reads them: `pods`, `po,svc`, `deployment web api`, or `pod/web svc/web`,
// with every plural, singular and short name (`resolveKind`).
import { KIND_INFO, type Kind, resolveKind } from '../../shared/model/kinds.ts';
import { CliError, EXIT } from './exitCodes.ts';

export interface ResourceRef {
  kind: Kind;
  name: string;
}

export type ResourceArgs =
  /** `KIND[,KIND…] [NAME…]`: every name of every kind, or whole collections when no names. */
  | { type: 'kinds'; kinds: Kind[]; names: string[] }
  /** `KIND/NAME…`. */
  | { type: 'refs'; refs: ResourceRef[] };

/** kubectl's `all` category, as far as Shoal has its kinds. */
const ALL: readonly Kind[] = ['Pod', 'Service', 'DaemonSet', 'Deployment', 'ReplicaSet', 'Job'];

function kindsOf(word: string): readonly Kind[] {
  return word.toLowerCase() === 'all' ? ALL : [kindOf(word)];
}

function kindOf(word: string): Kind {
  const kind = resolveKind(word);
  if (kind === undefined)
    throw new CliError(`error: the server doesn't have a resource type "${word}"`, EXIT.failed);
  return kind;
}

export function parseResourceArgs(args: readonly string[]): ResourceArgs {
  const first = args[0];
  if (first === undefined) {
    throw new CliError(
      'error: you must specify the type of resource, e.g. pods, deployments, services, nodes (kubectl names, ' +
        'plural, singular or short: po, deploy, svc, no)',
      EXIT.usage,
    );
  }
  if (first.includes('/')) {
    const refs = args.map((arg) => {
      const slash = arg.indexOf('/');
      if (slash <= 0 || slash === arg.length - 1) {
        throw new CliError(
          `error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'shoal get resource/<resource_name>' instead of 'shoal get resource resource/<resource_name>')`,
          EXIT.usage,
        );
      }
      return { kind: kindOf(arg.slice(0, slash)), name: arg.slice(slash + 1) };
    });
    return { type: 'refs', refs };
  }
  const kinds = [
    ...new Set(
      first
        .split(',')
        .filter((w) => w !== '')
        .flatMap(kindsOf),
    ),
  ];
  const names = args.slice(1);
  if (names.some((n) => n.includes('/'))) {
    throw new CliError(
      `error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'shoal get resource/<resource_name>' instead of 'shoal get resource resource/<resource_name>')`,
      EXIT.usage,
    );
  }
  return { type: 'kinds', kinds, names };
}

/** The references a `kinds` form with names stands for: each name of each kind. */
export function refsOf(args: ResourceArgs): ResourceRef[] {
  if (args.type === 'refs') return args.refs;
  return args.kinds.flatMap((kind) => args.names.map((name) => ({ kind, name })));
}

/** The namespace a namespaced kind is read in; undefined for cluster-scoped kinds (or all namespaces). */
export function namespaceFor(kind: Kind, namespace: string | undefined): string | undefined {
  return KIND_INFO[kind].namespaced ? namespace : undefined;
}

/** `pod "web"`, `deployment.apps "web"`: how kubectl names an object in `deleted` lines. */
export function quotedName(kind: Kind, name: string): string {
  const apiVersion = KIND_INFO[kind].apiVersion;
  const group = apiVersion.includes('/') ? `.${apiVersion.split('/')[0]}` : '';
  return `${kind.toLowerCase()}${group} "${name}"`;
}
