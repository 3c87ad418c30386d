/** Injection token of the one EventStoreDBClient (provided and exported by EventStoreModule). */
export const EVENT_STORE_CLIENT = Symbol('EVENT_STORE_CLIENT');
