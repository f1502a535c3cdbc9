// The desktop window's guard rails and the tray's health text, as the pure functions main.ts wires to
// Electron: CSP, which navigations stay in the app, which links reach the OS browser, the menus.
import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../agent/api/clusterStatus.ts';
import { appMenuTemplate, type MenuActions, trayMenuTemplate } from '../../main/appMenus.ts';
import type { MenuItemOptions } from '../../main/electronApi.ts';
import { trayHealth } from '../../main/trayHealth.ts';
import { CONTENT_SECURITY_POLICY, externalUrl, isAppPage, withCsp } from '../../main/windowSecurity.ts';

const INDEX = '/opt/shoal/renderer/dist/index.html';

describe('window security', () => {
  it('replaces any Content-Security-Policy of a response with the app policy', () => {
    const headers = withCsp({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] });
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    expect(CONTENT_SECURITY_POLICY).toContain(
      "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
    );
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it("lets the window navigate only to the app's own page", () => {
    expect(isAppPage(`file://${INDEX}`, INDEX)).toBe(true);
    expect(isAppPage(`file://${INDEX}#/pods/default/web`, INDEX)).toBe(true);
    expect(isAppPage('file:///etc/passwd', INDEX)).toBe(false);
    expect(isAppPage('file:///opt/shoal/renderer/dist/other.html', INDEX)).toBe(false);
    expect(isAppPage('https://example.com/', INDEX)).toBe(false);
    expect(isAppPage('not a url', INDEX)).toBe(false);
  });

  it('opens only plain http(s) links in the OS browser', () => {
    expect(externalUrl('http://127.0.0.1:30080/')).toBe('http://127.0.0.1:30080/');
    expect(externalUrl('https://example.com/docs?q=1')).toBe('https://example.com/docs?q=1');
    for (const bad of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'https://user:pass@example.com/',
      `https://example.com/${'a'.repeat(3000)}`,
      'not a url',
    ])
      expect(externalUrl(bad), bad).toBeUndefined();
  });
});

const STATUS: ClusterStatus = {
  clusterName: 'lab',
  node: { name: 'laptop', id: 'a' },
  leader: { name: 'pi-1', id: 'b' },
  term: 4,
  members: [
    { name: 'laptop', id: 'a', voter: true, ready: true },
    { name: 'pi-1', id: 'b', voter: true, ready: true },
    { name: 'pi-2', id: 'c', voter: true, ready: 'Unknown' },
  ],
};

describe('tray health', () => {
  it('shows nodes ready and the leader', () => {
    expect(trayHealth('running', STATUS)).toEqual({
      tooltip: 'Shoal lab: 2/3 nodes ready, leader pi-1',
      lines: ['Cluster lab', '2/3 nodes ready', 'Leader: pi-1 (term 4)'],
      tone: 'warn',
    });
    const healthy = { ...STATUS, members: STATUS.members.map((m) => ({ ...m, ready: true })) };
    expect(trayHealth('running', healthy).tone).toBe('ok');
    expect(trayHealth('running', { ...healthy, leader: undefined }).tooltip).toBe(
      'Shoal lab: 3/3 nodes ready, no leader (election under way)',
    );
  });

  it('says what the peer is doing when there is no status', () => {
    expect(trayHealth('stopped', undefined, undefined, false).lines).toEqual([
      'Not in a cluster yet: open Shoal to create or join one',
    ]);
    expect(trayHealth('starting', undefined).tooltip).toBe('Shoal: starting…');
    expect(trayHealth('failed', undefined, 'EACCES: /var/run/docker.sock').lines).toEqual([
      'The peer could not start: EACCES: /var/run/docker.sock',
    ]);
  });
});

describe('menus', () => {
  const calls: string[] = [];
  const actions: MenuActions = {
    showWindow: () => calls.push('show'),
    setRunWorkloads: (on) => calls.push(`workloads ${on}`),
    quit: () => calls.push('quit'),
    reload: () => calls.push('reload'),
    toggleDevTools: () => calls.push('devtools'),
    openExternal: (url) => calls.push(`open ${url}`),
  };
  const find = (items: MenuItemOptions[], label: string): MenuItemOptions | undefined => {
    for (const item of items) {
      if (item.label === label) return item;
      const inner = item.submenu && find(item.submenu, label);
      if (inner) return inner;
    }
    return undefined;
  };

  it('has File (workloads, Quit), View (reload and devtools only in development) and Help', () => {
    const dev = appMenuTemplate(
      { runWorkloads: false, dev: true, projectUrl: 'https://example.org/shoal' },
      actions,
    );
    expect(dev.map((m) => m.label)).toEqual(['File', 'View', 'Help']);
    const workloads = find(dev, 'Run workloads on this computer');
    expect(workloads).toMatchObject({ type: 'checkbox', checked: false });
    workloads?.click?.();
    find(dev, 'Quit Shoal')?.click?.();
    find(dev, 'Toggle Developer Tools')?.click?.();
    find(dev, 'Shoal on the web')?.click?.();
    expect(calls).toEqual(['workloads true', 'quit', 'devtools', 'open https://example.org/shoal']);
    const packaged = appMenuTemplate({ runWorkloads: true, dev: false }, actions);
    expect(find(packaged, 'Reload')).toBeUndefined();
    expect(find(packaged, 'Toggle Developer Tools')).toBeUndefined();
    expect(find(packaged, 'Run workloads on this computer')?.checked).toBe(true);
  });

  it('puts the health lines, disabled, at the top of the tray menu', () => {
    const items = trayMenuTemplate(
      trayHealth('running', STATUS),
      { runWorkloads: false, dev: false },
      actions,
    );
    expect(items.slice(0, 3)).toEqual([
      { label: 'Cluster lab', enabled: false },
      { label: '2/3 nodes ready', enabled: false },
      { label: 'Leader: pi-1 (term 4)', enabled: false },
    ]);
    expect(items.map((i) => i.label).filter(Boolean)).toContain('Open Shoal');
  });
});
