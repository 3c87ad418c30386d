/** Metadata written on every event (product.md "Facts"). Wire contract: never rename. */
export interface EventMetadata {
  /** Who recorded it: the editor id (the API key's owner), or `import:<file>` for the bulk import. */
  actor: string;
  /** Groups every event one request or import line caused. */
  correlationId: string;
  /** What caused this event: the request/command id (or the event it reacts to). */
  causationId: string;
  /** Recorded time (ISO 8601), from the injected Clock at the command's edge. */
  recordedAt: string;
  /** The command that produced it, e.g. SeizeCity. */
  commandType: string;
  /** Present when the command carried an Idempotency-Key. */
  idempotencyKey?: string;
  /** With an Idempotency-Key: SHA-256 of the canonical command, so the key reused for another body is refused (422). */
  requestHash?: string;
  /** How requestHash was computed (handle-command's REQUEST_HASH_VERSION); absent on events recorded before 2. */
  requestHashVersion?: number;
}
