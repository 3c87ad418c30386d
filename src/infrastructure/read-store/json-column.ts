/** Reads a JSON text column; null or unreadable text gives the fallback (a read model never throws on a stored row). */
export function parseJsonColumn<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
