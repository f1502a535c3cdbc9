// The dashboard's own endpoints (served by `shoal dashboard` and by the desktop app's main process): whether
// this peer is in a cluster, and creating, joining or starting one.
import { apiCall, isRecord } from './apiCall.ts';
import { ClusterError, type OnboardingState, type Transport } from './ClusterConnection.ts';

export const DASHBOARD_PREFIX = '/shoal/dashboard/v1';
export const ONBOARDING_STATE_PATH = `${DASHBOARD_PREFIX}/state`;
export const CLUSTER_PATH = `${DASHBOARD_PREFIX}/cluster`;
export const JOIN_KEY_PATH = `${DASHBOARD_PREFIX}/join-key`;

export type ClusterAction =
  | { action: 'create'; name: string }
  | { action: 'join'; key: string }
  | { action: 'local'; agents: number };

function badAnswer(path: string, what: string): ClusterError {
  return new ClusterError(`the dashboard answered ${path} without ${what}`, 502);
}

export async function onboardingState(transport: Transport): Promise<OnboardingState> {
  const body = await apiCall(transport, { method: 'GET', path: ONBOARDING_STATE_PATH });
  if (!isRecord(body) || typeof body.member !== 'boolean') throw badAnswer(ONBOARDING_STATE_PATH, '"member"');
  const state: OnboardingState = { member: body.member };
  if (typeof body.clusterName === 'string') state.clusterName = body.clusterName;
  if (typeof body.dataDir === 'string') state.dataDir = body.dataDir;
  if (typeof body.runsWorkloads === 'boolean') state.runsWorkloads = body.runsWorkloads;
  return state;
}

export async function clusterAction(transport: Transport, body: ClusterAction): Promise<void> {
  await apiCall(transport, { method: 'POST', path: CLUSTER_PATH, body });
}

export async function joinKey(transport: Transport): Promise<string> {
  const body = await apiCall(transport, { method: 'GET', path: JOIN_KEY_PATH });
  if (!isRecord(body) || typeof body.key !== 'string' || body.key === '')
    throw badAnswer(JOIN_KEY_PATH, 'a "key"');
  return body.key;
}
