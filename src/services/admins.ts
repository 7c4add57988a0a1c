import { forbidden } from '../errors/index.js';

/** Refuses a caller who is not one of the deployment's admins (ADMIN_USER_IDS), naming what only admins manage. */
export type RequireAdmin = (callerId: string, what: string) => void;

export const createAdminCheck = (adminUserIds: readonly string[]): RequireAdmin => {
  const admins = new Set(adminUserIds);
  return (callerId, what) => {
    if (!admins.has(callerId)) throw forbidden(`Only the deployment’s admins (ADMIN_USER_IDS) manage ${what}`);
  };
};
