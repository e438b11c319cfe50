import type {
  AdminServerInfo,
  AdminUser,
  Invite,
  InviteCreateBody,
  Me,
  TwoStepRecoveryCodes,
  TwoStepSetup,
} from '@chitchat/shared';
import type { AccountInfo, AdminOverview, AdminUserChange } from '../common/contract';
import type { ApiClient } from './api-client';
import { remote } from './client-errors';

/*
 * The account's two-step sign-in and, for admins, the server's users and invites (issue #18).
 * Plain requests to the server: nothing here is cached, so what the screen shows is what the
 * server says now (an admin demoted elsewhere is refused at once).
 */

export function accountInfo(api: ApiClient): Promise<AccountInfo> {
  return remote(async () => {
    const me = await api.request<Me>('GET', '/api/me');
    // A server from before single sign-on knows only accounts with passwords.
    const hasPassword: boolean | undefined = (me as Partial<Me>).hasPassword;
    return { role: me.role, twoStep: me.twoStep, hasPassword: hasPassword ?? true };
  });
}

export function twoStepSetup(api: ApiClient): Promise<TwoStepSetup> {
  return remote(() => api.request<TwoStepSetup>('POST', '/api/me/two-step'));
}

export async function twoStepConfirm(api: ApiClient, code: string): Promise<string[]> {
  const answer = await remote(() =>
    api.request<TwoStepRecoveryCodes>('POST', '/api/me/two-step/confirm', { code }),
  );
  return answer.recoveryCodes;
}

export async function twoStepRecoveryCodes(api: ApiClient, code: string): Promise<string[]> {
  const answer = await remote(() =>
    api.request<TwoStepRecoveryCodes>('POST', '/api/me/two-step/recovery-codes', { code }),
  );
  return answer.recoveryCodes;
}

export async function twoStepDisable(
  api: ApiClient,
  input: { password: string; code: string },
): Promise<void> {
  await remote(() => api.request('POST', '/api/me/two-step/disable', input));
}

export async function adminOverview(api: ApiClient): Promise<AdminOverview> {
  return remote(async () => {
    const [server, users, invites] = await Promise.all([
      api.request<AdminServerInfo>('GET', '/api/admin/server'),
      api.request<{ users: AdminUser[] }>('GET', '/api/admin/users'),
      api.request<{ invites: Invite[] }>('GET', '/api/invites'),
    ]);
    return { server, users: users.users, invites: invites.invites };
  });
}

export function adminUpdateUser(api: ApiClient, input: AdminUserChange): Promise<AdminUser> {
  const { userId, ...change } = input;
  return remote(() =>
    api.request<AdminUser>('PATCH', `/api/admin/users/${encodeURIComponent(userId)}`, change),
  );
}

export function adminCreateInvite(api: ApiClient, input: InviteCreateBody): Promise<Invite> {
  return remote(() => api.request<Invite>('POST', '/api/invites', input));
}

export async function listInvites(api: ApiClient): Promise<Invite[]> {
  return (await remote(() => api.request<{ invites: Invite[] }>('GET', '/api/invites'))).invites;
}

export async function adminRevokeInvite(api: ApiClient, code: string): Promise<void> {
  await remote(() => api.request('DELETE', `/api/invites/${encodeURIComponent(code)}`));
}
