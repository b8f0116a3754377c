/**
 * What functions/shared/store.ts defines besides the Store contract (which runs on both
 * stores in dynamodb-store.integration.test.ts): storedText, how a stored value is written
 * into a message or used as a key.
 */
import { storedText } from "../../../functions/shared/store";

describe("storedText", () => {
  test("a string as it is; a number, a boolean, null and an absent value as String() writes them", () => {
    expect(storedText("PROD001")).toBe("PROD001");
    expect(storedText(12.5)).toBe("12.5");
    expect(storedText(false)).toBe("false");
    expect(storedText(null)).toBe("null");
    expect(storedText(undefined)).toBe("undefined");
  });

  test('a list or a map as JSON, never "a,b" or "[object Object]"', () => {
    expect(storedText(["a", "b"])).toBe('["a","b"]');
    expect(storedText({ status: "PENDING", items: [1] })).toBe('{"status":"PENDING","items":[1]}');
  });
});
