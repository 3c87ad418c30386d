/** Injection token of the read store's Kysely instance (`ReadDb`). */
export const READ_DB = Symbol('READ_DB');
