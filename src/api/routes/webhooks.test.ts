/**
 * Webhooks through the API on a real control plane (LOCAL echo function, memory store) with real
 * HMAC signatures: valid, tampered body, wrong secret, stale timestamp, rotated secret within and
 * past the overlap, filters, sync mode; a rejected delivery starts nothing.
 */
import { describe, expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../../../test/support/control-plane";
import { sign } from "../../triggers/webhooks/signatures";

const post = (body: unknown) => jsonRequest("POST", body);

async function setUp(hook: object, env: Record<string, string> = {}) {
  const cp = testControlPlane(env);
  expect((await cp.app.request("/v1/functions", post({ name: "echo", executionMode: "LOCAL" }))).status).toBe(201);
  const res = await cp.app.request("/v1/webhooks", post({ id: "gh", function: "echo", ...hook }));
  expect(res.status).toBe(201);
  const created = (await res.json()) as { secret: string };
  return { cp, secret: created.secret };
}

const deliver = (cp: ReturnType<typeof testControlPlane>, body: string, headers: Record<string, string>) =>
  cp.app.request("/v1/webhooks/gh", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

async function executions(cp: ReturnType<typeof testControlPlane>) {
  await cp.store.executions.flush();
  return ((await (await cp.app.request("/v1/executions?function=echo")).json()) as { items: unknown[] }).items;
}

const BODY = '{"ref":"refs/heads/main","n":12345678901234567890}';

describe("github signatures", () => {
  test("a valid signature → 202 and an execution whose input is the body, byte for byte, with trigger and metadata", async () => {
    const { cp, secret } = await setUp({ format: "github" });
    const res = await deliver(cp, BODY, {
      "x-hub-signature-256": sign("github", secret, BODY, Date.now()),
      "x-github-event": "push",
      "x-other": "dropped",
    });
    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    for (let i = 0; i < 200 && cp.engine.execution(executionId)?.status !== "success"; i++) await Bun.sleep(2);
    const text = await (await cp.app.request(`/v1/executions/${executionId}`)).text();
    expect(text).toContain(`"output":${BODY}`);
    expect(JSON.parse(text).trigger).toEqual({ type: "webhook", id: "gh" });
    const row = await cp.store.executions.get(executionId);
    expect(row?.metadata).toEqual({ "webhook-id": "gh", "x-github-event": "push" });
  });

  test.each([
    [
      "tampered body",
      (secret: string) => ({ body: BODY.replace("main", "evil"), sig: sign("github", secret, BODY, Date.now()) }),
    ],
    ["wrong secret", () => ({ body: BODY, sig: sign("github", "whsec_wrong", BODY, Date.now()) })],
    ["missing signature", () => ({ body: BODY, sig: undefined })],
    ["malformed header", (secret: string) => ({ body: BODY, sig: sign("github", secret, BODY, Date.now()).slice(7) })],
  ])("%s → 401 UNAUTHENTICATED, nothing invoked", async (_label, make) => {
    const { cp, secret } = await setUp({ format: "github" });
    const { body, sig } = make(secret);
    const res = await deliver(cp, body, sig ? { "x-hub-signature-256": sig } : {});
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe("UNAUTHENTICATED");
    expect(await executions(cp)).toHaveLength(0);
  });
});

describe("nanofaas signatures", () => {
  test("valid → 202; a timestamp older than 5 minutes or a tampered body → 401", async () => {
    const { cp, secret } = await setUp({ format: "nanofaas" });
    expect(
      (await deliver(cp, BODY, { "x-nanofaas-signature": sign("nanofaas", secret, BODY, Date.now()) })).status,
    ).toBe(202);
    const stale = sign("nanofaas", secret, BODY, Date.now() - 301_000);
    expect((await deliver(cp, BODY, { "x-nanofaas-signature": stale })).status).toBe(401);
    const future = sign("nanofaas", secret, BODY, Date.now() + 301_000);
    expect((await deliver(cp, BODY, { "x-nanofaas-signature": future })).status).toBe(401);
    const good = sign("nanofaas", secret, BODY, Date.now());
    expect((await deliver(cp, `${BODY} `, { "x-nanofaas-signature": good })).status).toBe(401);
    expect(await executions(cp)).toHaveLength(1);
  });

  test("rotated secret: the old one works within the overlap, not past it; the new one works", async () => {
    const { cp, secret: old } = await setUp({ format: "github" }, { NANOFAAS_WEBHOOK_SECRET_OVERLAP: "300ms" });
    const rotated = await cp.app.request("/v1/webhooks/gh:rotate-secret", { method: "POST" });
    expect(rotated.status).toBe(200);
    const { secret } = (await rotated.json()) as { secret: string };
    expect(secret).not.toBe(old);
    expect((await deliver(cp, BODY, { "x-hub-signature-256": sign("github", old, BODY, 0) })).status).toBe(202);
    expect((await deliver(cp, BODY, { "x-hub-signature-256": sign("github", secret, BODY, 0) })).status).toBe(202);
    await Bun.sleep(350);
    expect((await deliver(cp, BODY, { "x-hub-signature-256": sign("github", old, BODY, 0) })).status).toBe(401);
    expect((await deliver(cp, BODY, { "x-hub-signature-256": sign("github", secret, BODY, 0) })).status).toBe(202);
  });
});

describe("management, filters, modes", () => {
  test("GET never shows the secret; list, delete; unknown → 404; duplicate → 409; unknown function → 404", async () => {
    const { cp, secret } = await setUp({ format: "github" });
    const got = await (await cp.app.request("/v1/webhooks/gh")).text();
    expect(got).not.toContain(secret);
    expect(JSON.parse(got)).toMatchObject({ id: "gh", function: "echo", format: "github", mode: "async", filters: [] });
    const list = await (await cp.app.request("/v1/webhooks?function=echo")).text();
    expect(list).not.toContain(secret);
    expect(JSON.parse(list).items).toHaveLength(1);
    expect((await cp.app.request("/v1/webhooks", post({ id: "gh", function: "echo", format: "github" }))).status).toBe(
      409,
    );
    expect((await cp.app.request("/v1/webhooks", post({ id: "x", function: "nope", format: "github" }))).status).toBe(
      404,
    );
    expect((await cp.app.request("/v1/webhooks", post({ id: "x", function: "echo", format: "gitlab" }))).status).toBe(
      400,
    );
    expect((await cp.app.request("/v1/webhooks/gh", { method: "DELETE" })).status).toBe(204);
    expect((await cp.app.request("/v1/webhooks/gh")).status).toBe(404);
    expect((await deliver(cp, BODY, { "x-hub-signature-256": sign("github", secret, BODY, 0) })).status).toBe(404);
  });

  test("filters on a header and a body field: a non-matching delivery → 202 {skipped: true}, nothing invoked", async () => {
    const { cp, secret } = await setUp({
      format: "github",
      filters: [
        { field: "header:X-GitHub-Event", values: ["push"] },
        { field: "body:ref", values: ["refs/heads/main"] },
      ],
    });
    const signed = (body: string) => sign("github", secret, body, 0);
    const other = '{"ref":"refs/heads/dev"}';
    const skipped = await deliver(cp, other, { "x-hub-signature-256": signed(other), "x-github-event": "push" });
    expect(await skipped.json()).toEqual({ skipped: true });
    const wrongEvent = await deliver(cp, BODY, { "x-hub-signature-256": signed(BODY), "x-github-event": "issues" });
    expect(await wrongEvent.json()).toEqual({ skipped: true });
    expect(await executions(cp)).toHaveLength(0);
    const ok = await deliver(cp, BODY, { "x-hub-signature-256": signed(BODY), "x-github-event": "push" });
    expect(ok.status).toBe(202);
    expect(await executions(cp)).toHaveLength(1);
  });

  test("sync mode answers the invoke result; a body that is not JSON → 400 after the signature check", async () => {
    const { cp, secret } = await setUp({ format: "github", mode: "sync" });
    const res = await deliver(cp, BODY, { "x-hub-signature-256": sign("github", secret, BODY, 0) });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`"status":"success","output":${BODY}`);
    const text = "not json";
    expect((await deliver(cp, text, { "x-hub-signature-256": sign("github", secret, text, 0) })).status).toBe(400);
    expect((await deliver(cp, text, {})).status).toBe(401);
  });

  test("a signed body nested deeper than NANOFAAS_MAX_JSON_DEPTH → 400, nothing invoked", async () => {
    const { cp, secret } = await setUp({ format: "github" }, { NANOFAAS_MAX_JSON_DEPTH: "8" });
    const deep = `${"[".repeat(20)}${"]".repeat(20)}`;
    const res = await deliver(cp, deep, { "x-hub-signature-256": sign("github", secret, deep, 0) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("NANOFAAS_MAX_JSON_DEPTH");
    expect(await executions(cp)).toHaveLength(0);
  });

  test("a body over NANOFAAS_MAX_BODY_BYTES → 413", async () => {
    const { cp, secret } = await setUp({ format: "github" }, { NANOFAAS_MAX_BODY_BYTES: "1024" });
    const big = JSON.stringify({ pad: "x".repeat(2000) });
    expect((await deliver(cp, big, { "x-hub-signature-256": sign("github", secret, big, 0) })).status).toBe(413);
  });
});
