// Kubernetes API discovery (`/version`, `/api`, `/apis`, `/api/v1`, `/apis/apps/v1`, ...), so clients that
// discover before they call (kubectl, client libraries) find the resources Shoal serves.
import { createRequire } from 'node:module';
import { KIND_INFO, KINDS } from '../../shared/model/kinds.ts';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Group versions served, e.g. `v1`, `apps/v1`, `batch/v1`. */
const GROUP_VERSIONS = [...new Set(KINDS.map((k) => KIND_INFO[k].apiVersion))];

const VERBS = ['create', 'delete', 'get', 'list', 'update', 'watch'];

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: `v1.32.0+shoal-${pkg.version}`,
    platform: `${process.platform}/${process.arch}`,
  };
}

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(): unknown {
  const groups = GROUP_VERSIONS.filter((gv) => gv.includes('/')).map((groupVersion) => {
    const [name, version] = groupVersion.split('/') as [string, string];
    const v = { groupVersion, version };
    return { name, versions: [v], preferredVersion: v };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** The APIResourceList of one group version, or undefined when Shoal serves no such group version. */
export function apiResourceList(groupVersion: string): unknown {
  if (!GROUP_VERSIONS.includes(groupVersion)) return undefined;
  const resources = KINDS.filter((k) => KIND_INFO[k].apiVersion === groupVersion).flatMap((kind) => {
    const info = KIND_INFO[kind];
    const main = {
      name: info.plural,
      singularName: kind.toLowerCase(),
      namespaced: info.namespaced,
      kind,
      verbs: VERBS,
      ...(info.shortNames.length > 0 ? { shortNames: [...info.shortNames] } : {}),
    };
    const status = {
      name: `${info.plural}/status`,
      singularName: '',
      namespaced: info.namespaced,
      kind,
      verbs: ['get', 'update'],
    };
    return [main, status];
  });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

/** Discovery documents by path; undefined for any other path. */
export function discoveryDocument(pathname: string, serverAddress: string): unknown {
  const path = pathname.replace(/\/+$/, '');
  if (path === '/version') return versionInfo();
  if (path === '/api') return apiVersions(serverAddress);
  if (path === '/apis') return apiGroupList();
  const core = /^\/api\/([^/]+)$/.exec(path);
  if (core) return apiResourceList(core[1] as string);
  const group = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (group) return apiResourceList(`${group[1]}/${group[2]}`);
  const groupOnly = /^\/apis\/([^/]+)$/.exec(path);
  if (groupOnly) {
    const gv = GROUP_VERSIONS.find((g) => g.startsWith(`${groupOnly[1]}/`));
    if (gv === undefined) return undefined;
    const v = { groupVersion: gv, version: gv.split('/')[1] };
    return { kind: 'APIGroup', apiVersion: 'v1', name: groupOnly[1], versions: [v], preferredVersion: v };
  }
  return undefined;
}
