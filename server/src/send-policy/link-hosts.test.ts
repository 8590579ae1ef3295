import { describe, expect, it } from "vitest";
import { htmlPieces, linkHosts } from "./link-hosts.js";

const hostsOfHtml = (html: string) => {
  const pieces = htmlPieces(html);
  return [...linkHosts([pieces.text, ...pieces.attributes])].sort();
};

describe("linkHosts: every host a reader or a mail client could be sent to", () => {
  it("finds URLs in plain text, with or without slashes, with backslashes, and www. hosts", () => {
    expect(
      [...linkHosts(["see https://a.example/x, http:b.example and http:\\\\c.example, or www.d.example."])].sort(),
    ).toEqual(["a.example", "b.example", "c.example", "www.d.example"]);
  });

  it("reads hosts as a browser would: user info dropped, ports, case, IDNs, percent-escapes and numeric IPv4", () => {
    expect(
      [
        ...linkHosts([
          "https://own.example@evil.example:8443/ and HTTPS://Ünï.example and http://%65vil.test and http://0x7f.1/",
        ]),
      ].sort(),
    ).toEqual(["127.0.0.1", "evil.example", "evil.test", "xn--n-nga1b.example"]);
  });

  it("does not take bare domains or email addresses for links", () => {
    expect([...linkHosts(["write to bob@example.com about example.org"])]).toEqual([]);
  });

  it("in HTML, finds hrefs, image sources, srcset, CSS url() and protocol-relative links, entities decoded", () => {
    const html = [
      '<a href="https&#58;//a.example/">x</a>',
      '<img src="//b.example/p.gif">',
      '<img srcset="https://c.example/1x.png 1x">',
      '<div style="background:url(https://d.example/bg)">',
      "<p>http://e.<b>example</b>/split</p>",
    ].join("");
    expect(hostsOfHtml(html)).toEqual(["a.example", "b.example", "c.example", "d.example", "e.example"]);
  });

  it("reads deeply nested HTML in linear time", () => {
    const html = `${"<div>".repeat(200_000)}https://deep.example/${"</div>".repeat(200_000)}`;
    expect(hostsOfHtml(html)).toEqual(["deep.example"]);
  });
});

describe("htmlPieces", () => {
  it("joins text across inline tags without a space, so a phrase split by markup is still found", () => {
    expect(htmlPieces("<p>wi<b>re</b> trans&shy;fer</p>").text).toBe("wire trans\u00adfer");
  });
});
