// The browser rig of the end-to-end tests: Debian's Chromium (scripts/chromium.sh installs it), driven
// headless by playwright-core, which never downloads a browser of its own. On top of it: contexts with the
// clipboard granted, an axe-core scan that returns the serious and critical violations, screenshots for
// docs/screenshots/ and the bytes a first load transfers.
//
// One browser per test file (launchBrowser() in beforeAll, browser.close() in afterAll): the tests run in
// parallel workers on two cores, and each page gets its own context.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import axe from "axe-core";
import type { ImpactValue, Result, RunOptions } from "axe-core";
import { chromium, type Browser, type BrowserContext, type Page, type ViewportSize } from "playwright-core";

const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Chromium's flags on this kind of machine (as root, behind a closed network): no sandbox (root), no GPU, and
 * none of its own connections (QUIC, background networking, component updates, sync), which the network refuses
 * many at a time. playwright adds --headless and a new empty --user-data-dir, removed at close.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const BROWSER_SKIP_REASON =
  "needs Chromium: run `bash scripts/chromium.sh` (it installs Debian's chromium and prints CHROMIUM_PATH; scripts/test.sh does)";

/** The screenshots' viewport, and the phone variant's (an iPhone 12 to 15's CSS pixels). */
export const DESKTOP_VIEWPORT: ViewportSize = { width: 1280, height: 800 };
export const PHONE_VIEWPORT: ViewportSize = { width: 390, height: 844 };

/** Where saveScreenshot() writes by default: docs/screenshots/ at the repository root. */
export const SCREENSHOTS_DIR = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));

/**
 * The Chromium to drive: CHROMIUM_PATH, else /usr/bin/chromium. Undefined when it is missing, so tests can skip
 * (with BROWSER_SKIP_REASON); when CI is set it throws instead, so CI cannot skip the browser tests.
 */
export function chromiumPath(): string | undefined {
  const path = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  if (existsSync(path)) return path;
  if (process.env.CI)
    throw new Error(
      `CI is set but there is no Chromium at ${path}: run the tests through scripts/test.sh, which installs it ` +
        "(scripts/chromium.sh) and exports CHROMIUM_PATH.",
    );
  return undefined;
}

/** Launches headless Chromium (see chromiumPath()); throws, saying how to install it, when it is missing. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) throw new Error(`No Chromium to launch: this test ${BROWSER_SKIP_REASON}.`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS],
    // Two cores shared with the other test workers: a cold start can take a while.
    timeout: 60_000,
  });
}

export interface ContextOptions {
  /** A phone: PHONE_VIEWPORT, touch and a mobile user agent's layout (isMobile). */
  phone?: boolean;
}

/**
 * A new context (cookies, storage and cache of its own) for pages of `url`'s origin, which is also its baseURL
 * (page.goto("/dashboard")). The origin is granted clipboard-read and clipboard-write, so a test can click a
 * "Copy" button and readClipboard(). Rendering is kept steady for screenshots: en-US, UTC, light, reduced motion.
 */
export async function openContext(
  browser: Browser,
  url: string,
  options: ContextOptions = {},
): Promise<BrowserContext> {
  const { origin } = new URL(url);
  const context = await browser.newContext({
    baseURL: origin,
    viewport: options.phone ? PHONE_VIEWPORT : DESKTOP_VIEWPORT,
    ...(options.phone ? { isMobile: true, hasTouch: true } : {}),
    deviceScaleFactor: 1,
    locale: "en-US",
    timezoneId: "UTC",
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  return context;
}

/** What the page's clipboard holds (its context must have the permission: openContext() grants it). */
export async function readClipboard(page: Page): Promise<string> {
  await page.bringToFront();
  return page.evaluate(() => (globalThis as unknown as InPage).navigator.clipboard.readText());
}

/** The little of the page's globals these helpers use (the project's TypeScript has no DOM library). */
interface InPage {
  navigator: { clipboard: { readText(): Promise<string> } };
  document: unknown;
  axe?: { run(context: unknown, options: RunOptions): Promise<{ violations: Result[] }> };
}

// ---------------------------------------------------------------------------------------------------------------
// Accessibility

export interface AccessibilityViolation {
  /** axe's rule, e.g. "image-alt". */
  id: string;
  impact: "serious" | "critical";
  help: string;
  helpUrl: string;
  /** The offending elements: a CSS selector each (" >>> " crosses into a shadow root or frame). */
  targets: string[];
  /** One line for a failing expect: rule, impact, help and the first targets. */
  summary: string;
}

const SEVERE: readonly ImpactValue[] = ["serious", "critical"];
const TARGETS_IN_SUMMARY = 3;

/**
 * Injects axe-core into the page (through the devtools protocol, so the page's Content-Security-Policy does not
 * get in the way) and runs every default rule on the whole document. Returns the serious and critical violations,
 * each with a readable summary: `expect(await accessibilityViolations(page)).toEqual([])` shows them.
 */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  const injected = await page.evaluate(() => (globalThis as unknown as InPage).axe !== undefined);
  if (!injected) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const inPage = globalThis as unknown as InPage;
    if (!inPage.axe) throw new Error("axe-core did not load in the page");
    const results = await inPage.axe.run(inPage.document, { resultTypes: ["violations"] });
    // Only what crosses back to Node: axe's results hold DOM nodes.
    return results.violations.map(({ id, impact, help, helpUrl, nodes }) => ({
      id,
      impact,
      help,
      helpUrl,
      targets: nodes.map((node) => (node.target as unknown[]).map((part) => String(part)).join(" >>> ")),
    }));
  });
  return violations
    .filter((violation) => SEVERE.includes(violation.impact as ImpactValue))
    .map((violation) => {
      const shown = violation.targets.slice(0, TARGETS_IN_SUMMARY).join(", ");
      const more = violation.targets.length - TARGETS_IN_SUMMARY;
      return {
        id: violation.id,
        impact: violation.impact as AccessibilityViolation["impact"],
        help: violation.help,
        helpUrl: violation.helpUrl,
        targets: violation.targets,
        summary: `${violation.id} (${violation.impact}): ${violation.help}: ${shown}${more > 0 ? ` and ${more} more` : ""}`,
      };
    });
}

/** The violations' summaries, one a line ("" when there are none), for an expect's message. */
export function formatViolations(violations: readonly AccessibilityViolation[]): string {
  return violations.map((violation) => violation.summary).join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Screenshots

export interface ScreenshotOptions {
  /** Where to write `<name>.png` (created when missing); SCREENSHOTS_DIR by default. */
  dir?: string;
  /** The viewport while the picture is taken (the page's own is put back after); DESKTOP_VIEWPORT by default. */
  viewport?: ViewportSize;
}

/**
 * Writes a full-page PNG of the page to `<dir>/<name>.png` (docs/screenshots/ by default) at a fixed viewport,
 * animations stopped and the caret hidden so that the same page gives the same picture. Returns the file's path.
 */
export async function saveScreenshot(page: Page, name: string, options: ScreenshotOptions = {}): Promise<string> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name) || name.includes(".."))
    throw new Error(`screenshot name ${JSON.stringify(name)}: letters, digits, ".", "_" and "-" only`);
  const dir = options.dir ?? SCREENSHOTS_DIR;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  const wanted = options.viewport ?? DESKTOP_VIEWPORT;
  const before = page.viewportSize();
  const resize = before === null || before.width !== wanted.width || before.height !== wanted.height;
  if (resize) await page.setViewportSize(wanted);
  try {
    await page.screenshot({ path, fullPage: true, animations: "disabled", caret: "hide" });
  } finally {
    if (resize && before !== null) await page.setViewportSize(before);
  }
  return path;
}

/**
 * The phone variant: `<dir>/<name>-phone.png` at PHONE_VIEWPORT (a layout check for narrow screens; a context from
 * openContext(browser, url, { phone: true }) also has touch and isMobile, for which saveScreenshot() is enough).
 */
export async function savePhoneScreenshot(
  page: Page,
  name: string,
  options: Omit<ScreenshotOptions, "viewport"> = {},
): Promise<string> {
  return saveScreenshot(page, `${name}-phone`, { ...options, viewport: PHONE_VIEWPORT });
}

// ---------------------------------------------------------------------------------------------------------------
// Page weight

export interface TransferredResource {
  url: string;
  /** Chromium's resource type: Document, Stylesheet, Script, Image, Font, Fetch... */
  type: string;
  status: number;
  /** Bytes received for it: headers and body as sent (compressed when the server compressed it). */
  bytes: number;
}

export interface PageWeight {
  url: string;
  resources: TransferredResource[];
  /** The sum of resources' bytes. */
  bytes: number;
  /** bytes / 1024, to one decimal. */
  kilobytes: number;
  /** "first load = 12.3 KB in 4 requests". */
  summary: string;
}

/**
 * Loads `url` (relative to the context's baseURL) in `page` with the cache off, as a first visit would, and
 * measures the bytes Chromium received for it (the devtools' "transferred": headers and bodies as sent), every
 * request until the network goes quiet (waitUntil "networkidle"; "load" stops at the load event).
 */
export async function pageWeight(
  page: Page,
  url: string,
  options: { waitUntil?: "load" | "networkidle" } = {},
): Promise<PageWeight> {
  const cdp = await page.context().newCDPSession(page);
  const seen = new Map<string, Omit<TransferredResource, "bytes">>();
  const resources: TransferredResource[] = [];
  cdp.on("Network.responseReceived", ({ requestId, type, response }) => {
    seen.set(requestId, { url: response.url, type, status: response.status });
  });
  cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => {
    const resource = seen.get(requestId);
    if (resource && !resource.url.startsWith("data:")) resources.push({ ...resource, bytes: encodedDataLength });
  });
  try {
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    const response = await page.goto(url, { waitUntil: options.waitUntil ?? "networkidle" });
    if (!response) throw new Error(`pageWeight: loading ${url} gave no response`);
  } finally {
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: false }).catch(() => {});
    await cdp.detach().catch(() => {});
  }
  const bytes = resources.reduce((sum, resource) => sum + resource.bytes, 0);
  const kilobytes = Math.round((bytes / 1024) * 10) / 10;
  const requests = resources.length === 1 ? "1 request" : `${resources.length} requests`;
  return { url: page.url(), resources, bytes, kilobytes, summary: `first load = ${kilobytes} KB in ${requests}` };
}
