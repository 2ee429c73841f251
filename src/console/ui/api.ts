/**
 * @module
 * The console's only way to the API: same-origin fetch with the API key the user typed (kept in
 * sessionStorage, so it ends with the tab) as a Bearer token. A 401 tells the app to ask for a key.
 */
const KEY_ITEM = "nanofaas.apiKey";

export interface Answer {
  status: number;
  headers: [string, string][];
  text: string;
  /** Time from sending the request to having read the whole body, ms. */
  ms: number;
}

/** An API error answer, with the envelope's code and message when it has one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let unauthorized: () => void = () => {};

/** The app's hook for 401 answers (it shows the login form). */
export function onUnauthorized(listener: () => void): void {
  unauthorized = listener;
}

export const apiKey = {
  get: () => sessionStorage.getItem(KEY_ITEM),
  set: (key: string) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

export function authHeaders(): Record<string, string> {
  const key = apiKey.get();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

export async function call(method: string, path: string, body?: string, signal?: AbortSignal): Promise<Answer> {
  const headers: Record<string, string> = { Accept: "application/json", ...authHeaders() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const started = performance.now();
  const res = await fetch(path, { method, headers, body, signal });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status === 401) unauthorized();
  const list: [string, string][] = [];
  res.headers.forEach((value, name) => {
    list.push([name, value]);
  });
  return { status: res.status, headers: list, text, ms };
}

export function errorOf(answer: Answer): ApiError {
  try {
    const envelope = JSON.parse(answer.text) as { error?: string; message?: string };
    return new ApiError(answer.status, envelope.error ?? "ERROR", envelope.message ?? answer.text);
  } catch {
    return new ApiError(answer.status, "ERROR", answer.text || `HTTP ${answer.status}`);
  }
}

/** JSON of a 2xx answer; anything else throws an ApiError. */
export async function json<T>(method: string, path: string, body?: string): Promise<T> {
  const answer = await call(method, path, body);
  if (answer.status < 200 || answer.status > 299) throw errorOf(answer);
  return JSON.parse(answer.text) as T;
}

export const get = <T>(path: string) => json<T>("GET", path);

export const enc = encodeURIComponent;
