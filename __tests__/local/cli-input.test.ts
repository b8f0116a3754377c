/**
 * unreadable (local/cli-input.ts): an input file that cannot be read, said in plain words.
 */
import { unreadable } from "../../local/cli-input";

describe("unreadable", () => {
  test.each([
    ["ENOENT", "no such file: x.json"],
    ["ENOTDIR", "no such file: x.json"],
    ["EISDIR", "x.json is a folder, not a file"],
    ["EACCES", "cannot read x.json: permission denied"],
    ["EIO", "cannot read x.json: EIO: i/o error, read"],
  ])("%s: %s", (code, message) => {
    const error = Object.assign(new Error(code === "EIO" ? "EIO: i/o error, read" : code), { code });
    expect(unreadable("x.json", error)).toBe(message);
  });
});
