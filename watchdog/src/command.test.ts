import { expect, test } from "bun:test";
import { splitCommand } from "./command.ts";

test.each([
  ["python3 handler.py", ["python3", "handler.py"]],
  ["  spaced\t out  ", ["spaced", "out"]],
  ["python3 -c 'print(1 + 1)'", ["python3", "-c", "print(1 + 1)"]],
  ['sh -c "echo \\"hi\\" $HOME"', ["sh", "-c", 'echo "hi" $HOME']],
  ["a\\ b c", ["a b", "c"]],
  ["''", [""]],
  ["x'y'\"z\"", ["xyz"]],
  ["", []],
])("splitCommand(%p) is %p", (text, argv) => {
  expect(splitCommand(text)).toEqual(argv);
});

test.each(["'open", '"open', "trailing\\"])("splitCommand(%p) is invalid", (text) => {
  expect(splitCommand(text)).toBeUndefined();
});
