import { describe, expect, it } from "vitest";
import { coverageContains, isOpenCidr, isPrivateAddress, isRestrictive, openEntries, parseCidr } from "../../src/core/cidr.js";

describe("isOpenCidr", () => {
  it.each([
    ["0.0.0.0/0", true],
    [" 0.0.0.0 / 0 ", true],
    ["::/0", true],
    ["0:0:0:0:0:0:0:0/0", true],
    ["10.0.0.0/0", true],
    ["0.0.0.0/1", false],
    ["10.0.0.0/8", false],
    ["::/1", false],
    ["0.0.0.0", false],
    ["not-a-cidr", false],
    ["", false],
  ])("%j → %s", (cidr, expected) => {
    expect(isOpenCidr(cidr)).toBe(expected);
  });
});

describe("isPrivateAddress", () => {
  it.each([
    ["10.1.2.3", true],
    ["172.16.0.1", true],
    ["172.31.255.255", true],
    ["172.32.0.1", false],
    ["192.168.10.5", true],
    ["192.169.0.1", false],
    ["100.64.0.1", true],
    ["100.127.255.255", true],
    ["100.128.0.1", false],
    ["169.254.169.254", true],
    ["127.0.0.1", true],
    ["8.8.8.8", false],
    ["203.0.113.10", false],
    ["fd00::1", true],
    ["FC00::1", true],
    ["fe80::1%eth0", true],
    ["::1", true],
    ["2001:db8::1", false],
    ["::ffff:10.0.0.1", true],
    ["::ffff:8.8.8.8", false],
    ["10.0.0.0/8", true],
    ["10.0.0.0/7", false],
    ["256.0.0.1", false],
    ["garbage", false],
  ])("%j → %s", (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe("parseCidr", () => {
  it("masks host bits and reads bare addresses as one host", () => {
    expect(parseCidr("10.1.2.3/8")).toEqual({ family: 4, first: 0x0a000000n, last: 0x0affffffn, prefix: 8 });
    expect(parseCidr("192.168.0.7")).toEqual({ family: 4, first: 0xc0a80007n, last: 0xc0a80007n, prefix: 32 });
    expect(parseCidr("2001:db8::/32")).toEqual({
      family: 6,
      first: 0x20010db8n << 96n,
      last: (0x20010db8n << 96n) + (1n << 96n) - 1n,
      prefix: 32,
    });
  });

  it.each(["10.0.0.0/33", "::/129", "1.2.3/8", "1::2::3", "1:2:3:4:5:6:7:8:9", "10.0.0.0/x", "12345::"])(
    "rejects %j",
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );
});

describe("coverageContains", () => {
  it.each([
    [["10.0.0.0/8"], ["10.0.0.0/16"], true],
    [["10.0.0.0/16"], ["10.0.0.0/8"], false],
    [["10.0.0.0/9", "10.128.0.0/9"], ["10.0.0.0/8"], true],
    [["10.0.0.0/9"], ["10.0.0.0/8"], false],
    [["10.0.0.0/8"], ["10.0.0.0/8", "192.168.0.0/16"], false],
    [["10.0.0.0/8", "192.168.0.0/16"], ["192.168.1.0/24"], true],
    [["::/0"], ["10.0.0.0/8"], false],
    [["10.0.0.0/8", "office"], ["office"], true],
    [["10.0.0.0/8"], ["office"], false],
    [["10.0.0.0/8"], [], true],
  ])("%j covers %j → %s", (outer, inner, expected) => {
    expect(coverageContains(outer, inner)).toBe(expected);
  });
});

describe("isRestrictive", () => {
  it.each([
    [["10.0.0.0/8"], true],
    [["10.0.0.0/8", "0.0.0.0/0"], false],
    [["::/0"], false],
    [["nonsense"], false],
    [[], false],
    // Blocks that together span a whole family admit everyone, however they are written.
    [["0.0.0.0/1", "128.0.0.0/1"], false],
    [["10.0.0.0/8", "::/1", "8000::/1"], false],
    [["0.0.0.0/1", "128.0.0.0/2"], true],
  ])("%j → %s", (cidrs, expected) => {
    expect(isRestrictive(cidrs)).toBe(expected);
  });
});

describe("openEntries", () => {
  it.each([
    [["10.0.0.0/8", "0.0.0.0/0"], ["0.0.0.0/0"]],
    [["0::0/0"], ["0::0/0"]],
    [["0.0.0.0/1", "10.0.0.0/8", "128.0.0.0/1", "fd00::/8"], ["0.0.0.0/1", "10.0.0.0/8", "128.0.0.0/1"]],
    [["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/3"], []],
    [["::/1", "nonsense"], []],
  ])("%j → %j", (cidrs, expected) => {
    expect(openEntries(cidrs)).toEqual(expected);
  });
});
