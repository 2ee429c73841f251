import { expect, test } from "bun:test";
import { isLoopbackAddress } from "./bind-address";

test.each([
  ["127.0.0.1", true],
  ["127.1.2.3", true],
  ["localhost", true],
  ["::1", true],
  ["[::1]", true],
  ["::ffff:127.0.0.1", true],
  ["0.0.0.0", false],
  ["::", false],
  ["", false],
  ["10.0.0.5", false],
  ["128.0.0.1", false],
])("isLoopbackAddress(%p) is %p", (host, expected) => {
  expect(isLoopbackAddress(host)).toBe(expected);
});
