import { expect, test } from "bun:test";
import { parseLdd } from "./build-rootfs";

test("parseLdd keeps the libraries and the loader, skips the vDSO", () => {
  const output = [
    "\tlinux-vdso.so.1 (0x00007ffd5b1f5000)",
    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f15f9679000)",
    "\t/lib64/ld-linux-x86-64.so.2 (0x00007f15f986e000)",
    "\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f15f958f000)",
  ].join("\n");
  expect(parseLdd(output)).toEqual([
    "/lib/x86_64-linux-gnu/libc.so.6",
    "/lib64/ld-linux-x86-64.so.2",
    "/lib/x86_64-linux-gnu/libm.so.6",
  ]);
});

test("parseLdd refuses a missing library instead of building an image that cannot start", () => {
  expect(() => parseLdd("\tlibfoo.so.1 => not found\n")).toThrow("missing library");
});
