/**
 * The caller of a session route, once its access token and signature were checked: who (user), whose
 * ledger, and which device. What the services act on behalf of; the HTTP layer proves it.
 */
export interface AuthContext {
  userId: string;
  ledgerId: string;
  deviceId: string;
}
