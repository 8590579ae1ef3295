// The browser rig itself, against tiny pages served here on a loopback port: Chromium launches, a click copies to
// the clipboard and the test reads it back, axe finds a known violation and none on an accessible page (also under
// a strict Content-Security-Policy, as the dashboard's), screenshots are PNGs of the fixed viewports, and the
// page weight counts every byte of a first load.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  accessibilityViolations,
  BROWSER_SKIP_REASON,
  chromiumPath,
  DESKTOP_VIEWPORT,
  formatViolations,
  launchBrowser,
  openContext,
  pageWeight,
  PHONE_VIEWPORT,
  readClipboard,
  savePhoneScreenshot,
  saveScreenshot,
  SCREENSHOTS_DIR,
} from "./browser.js";

describe("chromiumPath() finds Chromium", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("is CHROMIUM_PATH when that file exists", () => {
    process.env.CHROMIUM_PATH = process.execPath;
    expect(chromiumPath()).toBe(process.execPath);
  });

  it("is undefined when it is missing and CI is unset, so the browser tests skip", () => {
    process.env.CHROMIUM_PATH = "/nonexistent/chromium";
    delete process.env.CI;
    expect(chromiumPath()).toBeUndefined();
  });

  it("throws when CI is set and it is missing, so CI cannot skip the browser tests", () => {
    process.env.CHROMIUM_PATH = "/nonexistent/chromium";
    process.env.CI = "true";
    expect(() => chromiumPath()).toThrow(/CI is set but there is no Chromium at \/nonexistent\/chromium/);
  });

  it("writes screenshots to docs/screenshots/ at the repository root by default", () => {
    expect(SCREENSHOTS_DIR).toBe(join(__dirname, "..", "..", "..", "docs", "screenshots") + "/");
  });
});

const COPY_SCRIPT = `
document.getElementById("copy").addEventListener("click", async () => {
  await navigator.clipboard.writeText(document.getElementById("token").textContent);
  document.getElementById("status").textContent = "Copied";
});
`;

const ACCESSIBLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rig page</title><link rel="stylesheet" href="/style.css"></head>
<body>
<main>
  <h1>Rig page</h1>
  <p>Your key: <code id="token">mcpe_test_0123456789abcdef</code></p>
  <button id="copy" type="button">Copy</button>
  <p id="status" role="status"></p>
  <img src="/dot.svg" alt="A blue dot" width="40" height="40">
  <label for="name">Name</label> <input id="name" type="text">
  ${"<p>Filler text so that the full page is taller than the viewport.</p>".repeat(30)}
</main>
<script src="/copy.js"></script>
</body>
</html>`;

const BROKEN_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken page</title></head>
<body>
<main>
  <h1>Broken page</h1>
  <img src="/dot.svg" width="40" height="40">
  <input type="text">
</main>
</body>
</html>`;

const STYLE = "body { font-family: sans-serif; margin: 2rem; color: #222; background: #fff; }";
const DOT =
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#1d4ed8"/></svg>';

const ROUTES: Record<string, { type: string; body: string }> = {
  "/": { type: "text/html; charset=utf-8", body: ACCESSIBLE_PAGE },
  "/broken": { type: "text/html; charset=utf-8", body: BROKEN_PAGE },
  "/copy.js": { type: "text/javascript", body: COPY_SCRIPT },
  "/style.css": { type: "text/css", body: STYLE },
  "/dot.svg": { type: "image/svg+xml", body: DOT },
};

/** The pages above, with a CSP that refuses inline scripts (axe is injected all the same). */
async function startPages(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const route = ROUTES[new URL(request.url ?? "/", "http://x").pathname];
    if (!route) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response
      .writeHead(200, {
        "content-type": route.type,
        "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'",
      })
      .end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

if (!chromiumPath()) {
  it.skip(`the browser rig: ${BROWSER_SKIP_REASON}`, () => {});
} else {
  describe("the browser rig in headless Chromium", () => {
    let browser: Browser;
    let pages: { server: Server; url: string };
    let context: BrowserContext;
    let page: Page;
    let screenshots: string;

    beforeAll(async () => {
      [browser, pages] = await Promise.all([launchBrowser(), startPages()]);
      screenshots = mkdtempSync(join(tmpdir(), "mcpemails-screenshots-"));
    });
    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => pages?.server.close(resolve));
      if (screenshots) rmSync(screenshots, { recursive: true, force: true });
    });
    beforeEach(async () => {
      context = await openContext(browser, pages.url);
      page = await context.newPage();
    });
    afterEach(async () => {
      await context?.close();
    });

    it("opens a page of the origin it was given, at the desktop viewport", async () => {
      await page.goto("/");
      await expect(page.title()).resolves.toBe("Rig page");
      expect(page.viewportSize()).toEqual(DESKTOP_VIEWPORT);
    });

    it("clicks a Copy button and reads the clipboard back", async () => {
      await page.goto("/");
      await page.getByRole("button", { name: "Copy" }).click();
      await page.getByRole("status").getByText("Copied").waitFor();
      await expect(readClipboard(page)).resolves.toBe("mcpe_test_0123456789abcdef");
    });

    it("finds no serious or critical violation on an accessible page under a strict CSP", async () => {
      await page.goto("/");
      const violations = await accessibilityViolations(page);
      expect(violations, formatViolations(violations)).toEqual([]);
      // A second scan reuses the injected axe.
      await expect(accessibilityViolations(page)).resolves.toEqual([]);
    });

    it("finds the missing alt text and the missing label, with a readable summary", async () => {
      await page.goto("/broken");
      const violations = await accessibilityViolations(page);
      expect(violations.map(({ id, impact, targets }) => ({ id, impact, targets }))).toEqual(
        expect.arrayContaining([
          { id: "image-alt", impact: "critical", targets: ["img"] },
          { id: "label", impact: "critical", targets: ["input"] },
        ]),
      );
      const summary = formatViolations(violations);
      expect(summary).toContain("image-alt (critical): Images must have alternative text: img");
      expect(summary).toMatch(/^label \(critical\): .+: input$/m);
      expect(violations.every((violation) => violation.helpUrl.startsWith("https://"))).toBe(true);
    });

    it("saves full-page screenshots at the desktop and phone viewports, putting the page's viewport back", async () => {
      await page.goto("/");
      await page.setViewportSize({ width: 1000, height: 600 });
      const desktop = await saveScreenshot(page, "rig-page", { dir: screenshots });
      expect(desktop).toBe(join(screenshots, "rig-page.png"));
      const desktopSize = pngSize(desktop);
      expect(desktopSize.width).toBe(DESKTOP_VIEWPORT.width);
      expect(desktopSize.height).toBeGreaterThan(DESKTOP_VIEWPORT.height); // the full page, not the viewport
      const phone = await savePhoneScreenshot(page, "rig-page", { dir: screenshots });
      expect(phone).toBe(join(screenshots, "rig-page-phone.png"));
      const phoneSize = pngSize(phone);
      expect(phoneSize.width).toBe(PHONE_VIEWPORT.width);
      expect(phoneSize.height).toBeGreaterThan(desktopSize.height);
      expect(page.viewportSize()).toEqual({ width: 1000, height: 600 });
      // The same page gives the same bytes, so committed screenshots change only when the page does.
      const again = await saveScreenshot(page, "rig-page-again", { dir: screenshots });
      expect(readFileSync(again).equals(readFileSync(desktop))).toBe(true);
      await expect(saveScreenshot(page, "../escape", { dir: screenshots })).rejects.toThrow(/screenshot name/);
    });

    it("opens a phone context that lays pages out as a phone does", async () => {
      const phoneContext = await openContext(browser, pages.url, { phone: true });
      try {
        const phonePage = await phoneContext.newPage();
        const layoutWidth = () =>
          phonePage.evaluate(() => (globalThis as unknown as { innerWidth: number }).innerWidth);
        await phonePage.goto("/");
        expect(phonePage.viewportSize()).toEqual(PHONE_VIEWPORT);
        expect(await layoutWidth()).toBe(PHONE_VIEWPORT.width);
        // isMobile is real: a page without <meta name="viewport"> gets a phone browser's 980px desktop layout.
        await phonePage.goto("/broken");
        expect(await layoutWidth()).toBe(980);
      } finally {
        await phoneContext.close();
      }
    });

    it("weighs a first load: every resource's headers and body, and none from the cache", async () => {
      const weighed = async () => {
        const weight = await pageWeight(page, "/");
        const byPath = Object.fromEntries(weight.resources.map((r) => [new URL(r.url).pathname, r]));
        expect(Object.keys(byPath).sort()).toEqual(["/", "/copy.js", "/dot.svg", "/style.css"]);
        for (const [path, resource] of Object.entries(byPath)) {
          const body = Buffer.byteLength(ROUTES[path]!.body);
          expect(resource.status).toBe(200);
          // The body and its headers (a few hundred bytes), nothing more.
          expect(resource.bytes, path).toBeGreaterThan(body);
          expect(resource.bytes, path).toBeLessThan(body + 1024);
        }
        expect(byPath["/"]!.type).toBe("Document");
        expect(byPath["/copy.js"]!.type).toBe("Script");
        expect(weight.bytes).toBe(weight.resources.reduce((sum, r) => sum + r.bytes, 0));
        expect(weight.summary).toBe(`first load = ${weight.kilobytes} KB in 4 requests`);
        expect(weight.kilobytes).toBeCloseTo(weight.bytes / 1024, 1);
        return weight.bytes;
      };
      const first = await weighed();
      // Again in the same context: still a first load, the cache is off while it is weighed.
      const second = await weighed();
      expect(second).toBe(first);
    });
  });
}
