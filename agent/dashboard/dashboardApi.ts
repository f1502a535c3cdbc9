// The dashboard's own routes, `/shoal/dashboard/v1/…`, as a plain function of (method, path, body) so the
// web dashboard serves it over HTTP and the desktop app's main process over IPC:
//   GET  state      → { member, clusterName?, dataDir }
//   GET  join-key   → { key }
//   POST cluster    { action: 'create', name } | { action: 'join', key } | { action: 'local', agents: 1..5 }
//                   → the new state
// Bodies are validated with zod; every failure is a Kubernetes Status naming what is wrong.
import { z } from 'zod';
import { failure, type KubeStatus, statusFromError } from '../api/kubeStatus.ts';
import type { ClusterActions } from './clusterHost.ts';

export const DASHBOARD_API_PREFIX = '/shoal/dashboard/v1';

export interface DashboardApiResponse {
  status: number;
  body: unknown;
}

export type DashboardApiHandler = (
  method: string,
  path: string,
  body: unknown,
) => Promise<DashboardApiResponse>;

const clusterName = z
  .string()
  .max(63, 'must be no more than 63 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be lower case letters, digits and '-', starting and ending with a letter or digit (e.g. 'home-lab')",
  );

export const clusterActionSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('create'), name: clusterName }),
  z.strictObject({ action: z.literal('join'), key: z.string().min(1, 'must not be empty').max(4096) }),
  z.strictObject({
    action: z.literal('local'),
    agents: z.number().int('must be a whole number').min(1, 'must be 1..5').max(5, 'must be 1..5'),
  }),
]);
export type ClusterAction = z.infer<typeof clusterActionSchema>;

function answer(status: KubeStatus): DashboardApiResponse {
  return { status: status.code, body: status };
}

function invalidBody(error: z.ZodError): DashboardApiResponse {
  const problems = error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`);
  return answer(
    failure('BadRequest', `the cluster action is not valid: ${problems.join('; ')}`, {
      causes: error.issues.map((i) => ({ message: i.message, field: i.path.join('.') })),
    }),
  );
}

export function createDashboardApi(host: ClusterActions): DashboardApiHandler {
  return async (method, fullPath, body) => {
    const route = fullPath.split('?')[0] ?? '';
    if (!route.startsWith(`${DASHBOARD_API_PREFIX}/`)) {
      return answer(failure('NotFound', `${route} is not a dashboard route`));
    }
    const name = route.slice(DASHBOARD_API_PREFIX.length + 1);
    const expect = (allowed: string): DashboardApiResponse | undefined =>
      method === allowed
        ? undefined
        : answer(failure('MethodNotAllowed', `${method} is not allowed on ${route}: use ${allowed}`));
    try {
      switch (name) {
        case 'state':
          return expect('GET') ?? { status: 200, body: await host.state() };
        case 'join-key':
          return expect('GET') ?? { status: 200, body: { key: await host.joinKey() } };
        case 'cluster': {
          const refused = expect('POST');
          if (refused) return refused;
          const parsed = clusterActionSchema.safeParse(body);
          if (!parsed.success) return invalidBody(parsed.error);
          const action = parsed.data;
          const state =
            action.action === 'create'
              ? await host.create(action.name)
              : action.action === 'join'
                ? await host.join(action.key)
                : await host.startLocal(action.agents);
          return { status: 200, body: state };
        }
        default:
          return answer(failure('NotFound', `${route} is not a dashboard route (state, join-key, cluster)`));
      }
    } catch (err) {
      return answer(statusFromError(err));
    }
  };
}
