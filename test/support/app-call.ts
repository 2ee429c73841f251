/**
 * @module
 * JSON requests through `app.request()` for integration tests: status, headers and the parsed body.
 */
export interface AppCall {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whichever fields they assert on
  json: Record<string, any>;
}

export const appCaller =
  (app: () => { request: (path: string, init: RequestInit) => Response | Promise<Response> }) =>
  async (method: string, path: string, body?: unknown): Promise<AppCall> => {
    const response = await app().request(path, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : {} };
  };
