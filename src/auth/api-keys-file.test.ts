import { describe, expect, test } from "bun:test";
import { sha256Hex } from "./api-key-secret";
import { ApiKeysFileError, parseApiKeysFile } from "./api-keys-file";

const SECRET = `nfk_${"A".repeat(43)}`;

describe("NANOFAAS_API_KEYS_FILE", () => {
  test("keys by secret or by SHA-256; only the digest is kept", () => {
    const digest = sha256Hex(`nfk_${"B".repeat(43)}`);
    const rows = parseApiKeysFile(
      `keys:\n  - name: ops\n    key: ${SECRET}\n    scopes: [admin]\n  - name: ci\n    keySha256: ${digest.toUpperCase()}\n    scopes: ["functions:invoke:report-*"]\n    tenant: team-a\n    expiresAt: 2030-01-01T00:00:00Z\n`,
      "keys.yaml",
    );
    expect(rows).toEqual([
      {
        id: "file:ops",
        name: "ops",
        prefix: "nfk_AAAAAAAA",
        keySha256: sha256Hex(SECRET),
        scopes: ["admin"],
        tenant: "default",
        createdAt: 0,
        expiresAt: null,
      },
      {
        id: "file:ci",
        name: "ci",
        prefix: `sha256:${digest.slice(0, 8)}`,
        keySha256: digest,
        scopes: ["functions:invoke:report-*"],
        tenant: "team-a",
        createdAt: 0,
        expiresAt: Date.parse("2030-01-01T00:00:00Z"),
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
  });

  test("every problem is reported at once, naming the entry, never echoing a secret", () => {
    const weak = "nfk_short-secret";
    let message = "";
    try {
      parseApiKeysFile(
        `keys:\n  - name: a\n    key: ${weak}\n    scopes: [admin]\n  - name: b\n    key: ${SECRET}\n    keySha256: ${"0".repeat(64)}\n    scopes: [admin]\n  - name: c\n    key: ${SECRET}\n    scopes: [root]\n  - name: d\n    keySha256: abc\n    scopes: [admin]\n  - scopes: [admin]\n`,
        "keys.yaml",
      );
    } catch (error) {
      expect(error).toBeInstanceOf(ApiKeysFileError);
      message = (error as Error).message;
    }
    expect(message).toContain("keys[0] (a): 'key' must be nfk_");
    expect(message).toContain("keys[1] (b): give exactly one of 'key' or 'keySha256'");
    expect(message).toContain("keys[2] (c): unknown scope 'root'");
    expect(message).toContain("keys[3] (d): 'keySha256' must be 64 hex digits");
    expect(message).toContain("keys[4]: 'name' is required");
    expect(message).not.toContain(weak);
    expect(message).not.toContain(SECRET);
  });

  test("not YAML, or no keys list, is one clear error", () => {
    expect(() => parseApiKeysFile("keys: [", "k.yaml")).toThrow("k.yaml is not valid YAML");
    expect(() => parseApiKeysFile("other: 1", "k.yaml")).toThrow("needs a 'keys:' list");
  });
});
