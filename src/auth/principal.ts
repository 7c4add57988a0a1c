/** Who is calling, as proven by a verified token. */
export interface Principal {
  readonly userId: string;
  readonly name: string;
  /** Token expiry in epoch ms; long-lived sockets are closed when it passes. */
  readonly expiresAt: number | undefined;
}
