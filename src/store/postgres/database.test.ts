import { expect, test } from "bun:test";
import { StoreUnavailableError } from "../state-store";
import { isPoison, isUnavailable, redactUrl } from "./database";

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

test("a poison row (the row's content: SQLSTATE 22, 23, a value the client cannot serialise) is told apart from an outage", () => {
  const pgError = (code: string, errno?: string) => Object.assign(new Error("x"), { code, errno });
  const cases: [unknown, boolean][] = [
    [pgError("ERR_POSTGRES_SERVER_ERROR", "23502"), true], // NOT NULL
    [pgError("ERR_POSTGRES_SERVER_ERROR", "23505"), true], // unique violation
    [pgError("ERR_POSTGRES_SERVER_ERROR", "23514"), true], // CHECK
    [pgError("ERR_POSTGRES_SERVER_ERROR", "22P05"), true], // untranslatable character
    [pgError("ERR_POSTGRES_SERVER_ERROR", "22003"), true], // numeric value out of range
    [new TypeError("JSON.stringify cannot serialize BigInt."), true],
    [pgError("ERR_POSTGRES_SERVER_ERROR", "53100"), false], // disk full: an outage
    [pgError("ERR_POSTGRES_SERVER_ERROR", "40001"), false], // serialization failure: try again
    [pgError("ERR_POSTGRES_SERVER_ERROR", "42P01"), false], // undefined table: a bug, every row would fail
    [pgError("ERR_POSTGRES_CONNECTION_CLOSED"), false],
    [new StoreUnavailableError("PostgreSQL is unavailable"), false],
    [new Error("anything else"), false],
    ["a string", false],
  ];
  for (const [error, poison] of cases) expect([error, isPoison(error)]).toEqual([error, poison]);
});
