import { creditScoreOf, getUser, handler } from "../../functions/user-service";
import { LIMITS } from "../../functions/shared/validation";

describe("user-service", () => {
  test("GIVEN the recipe's invoke payload WHEN invoked THEN it returns the profile with the contract's credit score", async () => {
    await expect(handler({ userId: "test123" })).resolves.toEqual({
      userId: "test123",
      name: "Customer test123",
      email: "test123@example.com",
      creditScore: 830,
    });
  });

  test("credit score = 600 + FNV-1a(userId) mod 251, always within 600..850", () => {
    // FNV-1a("test123") = 0x38aee03b = 950984763; 950984763 mod 251 = 230.
    expect(creditScoreOf("test123")).toBe(830);
    for (const userId of ["a", "user-1", "x@example.com", "Z".repeat(64)]) {
      expect(creditScoreOf(userId)).toBeGreaterThanOrEqual(600);
      expect(creditScoreOf(userId)).toBeLessThanOrEqual(850);
    }
  });

  test("the whole order request is accepted, as the workflow passes it", () => {
    expect(getUser({ userId: "u1", orderData: { items: [] } }).userId).toBe("u1");
  });

  test("an e-mail address as userId is used as the address; any other userId gets one address", () => {
    expect(getUser({ userId: "ann@example.org" }).email).toBe("ann@example.org");
    expect(getUser({ userId: "a@b@c" }).email).toBe("a_b_c@example.com");
    expect(getUser({ userId: "@handle" }).email).toBe("_handle@example.com");
  });

  test.each([
    [undefined, "input is required"],
    [null, "input must be a JSON object, got null"],
    [[{ userId: "a" }], "input must be a JSON object, got an array"],
    ["test123", "input must be a JSON object, got a string"],
    [{}, "userId is required"],
    [{ userId: 123 }, "userId must be a string, got a number"],
    [{ userId: "" }, "userId must not be empty"],
    [{ userId: "x".repeat(65) }, "userId must be at most 64 characters, got 65"],
    [{ userId: "a b" }, "userId may contain only letters, digits and _ . @ -"],
    [{ userId: 'a"b' }, "userId may contain only letters, digits and _ . @ -"],
    [{ userId: "ünïcode" }, "userId may contain only letters, digits and _ . @ -"],
    [{ userId: "a", extra: 1 }, "extra is not an accepted field (accepted: userId, orderData, eventId)"],
  ])("refuses %p with InvalidInput: %s", async (event, message) => {
    await expect(handler(event)).rejects.toMatchObject({ name: "InvalidInput", message });
  });

  test("a request larger than any valid order is refused whole, before the workflow adds to it", async () => {
    const request = (padding: number) => ({ userId: "u1", orderData: { items: [{ productId: "P".repeat(padding) }] } });
    const fits = request(LIMITS.maxRequestBytes - JSON.stringify(request(0)).length);
    expect(Buffer.byteLength(JSON.stringify(fits))).toBe(LIMITS.maxRequestBytes);
    expect(getUser(fits).userId).toBe("u1");
    const tooBig = request(LIMITS.maxRequestBytes - JSON.stringify(request(0)).length + 1);
    await expect(handler(tooBig)).rejects.toMatchObject({
      name: "InvalidInput",
      message: `input must be at most ${LIMITS.maxRequestBytes} bytes of JSON, got ${LIMITS.maxRequestBytes + 1}`,
    });
  });

  test("a 64-character userId is the longest accepted", () => {
    expect(getUser({ userId: "u".repeat(64) }).userId).toHaveLength(64);
  });
});
