import { expect, test } from "bun:test";
import { StoreUnavailableError } from "../state-store";
import { isUnavailable, redactUrl } from "./database";

test("outages are told apart from wrong statements", () => {
  const pgError = (code: string, errno?: string) => Object.assign(new Error("x"), { code, errno });
  expect(isUnavailable(pgError("ERR_POSTGRES_CONNECTION_REFUSED"))).toBe(true);
  expect(isUnavailable(pgError("ERR_POSTGRES_CONNECTION_CLOSED"))).toBe(true);
  expect(isUnavailable(pgError("ECONNRESET"))).toBe(true);
  expect(isUnavailable(pgError("ERR_POSTGRES_SERVER_ERROR", "57P01"))).toBe(true); // admin shutdown
  expect(isUnavailable(pgError("ERR_POSTGRES_SERVER_ERROR", "53100"))).toBe(true); // disk full
  expect(isUnavailable(pgError("ERR_POSTGRES_SERVER_ERROR", "25006"))).toBe(true); // read-only standby
  expect(isUnavailable(pgError("ERR_POSTGRES_SERVER_ERROR", "23505"))).toBe(false); // unique violation
  expect(isUnavailable(pgError("ERR_POSTGRES_SYNTAX_ERROR"))).toBe(false);
  expect(isUnavailable(new StoreUnavailableError("x"))).toBe(false);
  expect(redactUrl("postgres://u:secret@db:5432/n")).toBe("postgres://u:***@db:5432/n");
});
