// Lint the hand-written code with the recommended rules, and every package, generated/ included, with the
// architecture rules below (which folder may import which; README "Layout"). generated/ is written by `pnpm gen`
// and checked by `pnpm gen --check` and tsc: it gets the architecture rules only.
import js from "@eslint/js";
import { builtinRules } from "eslint/use-at-your-own-risk";
import tseslint from "typescript-eslint";

// ---------------------------------------------------------------------------------------------------------------
// The architecture rules. Each is ESLint's own no-restricted-imports under a name of its own, architecture/<rule>,
// so that they add up: when two config blocks set the same rule for a file, the later block's options replace the
// earlier's, and a file under server/src/providers/ is subject to three of these rules at once.
//
// Relative specifiers are matched exactly: a file N folders below the repository root gets the patterns written for
// depth N (one config block per depth), so "../conformance/x" is forbidden where it lands in conformance/ and
// allowed where it lands in generated/conformance/.

const PACKAGES = ["codegen", "conformance", "generated", "server", "scripts"];

/** Deepest folder the depth-by-depth blocks reach (today's deepest is 4); a deeper file is an error (max-depth). */
const MAX_DEPTH = 10;

const coreRestrictedImports = builtinRules.get("no-restricted-imports");

/** no-restricted-imports, which only reads import and export declarations, also applied to `import("literal")`. */
const restrictedImports = {
  meta: coreRestrictedImports.meta,
  create(context) {
    const listeners = coreRestrictedImports.create(context);
    const checkDeclaration = listeners.ImportDeclaration;
    if (checkDeclaration === undefined) return listeners;
    return {
      ...listeners,
      ImportExpression(node) {
        const { source } = node;
        const specifier =
          source.type === "Literal"
            ? source.value
            : source.type === "TemplateLiteral" && source.expressions.length === 0
              ? source.quasis[0].value.cooked
              : undefined;
        if (typeof specifier !== "string") return;
        // Checked as `import "specifier"`: a value import naming nothing.
        checkDeclaration({
          ...node,
          type: "ImportDeclaration",
          importKind: "value",
          specifiers: [],
          source: { ...source, value: specifier },
        });
      },
    };
  },
};

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const anyOf = (regexes) => regexes.map((regex) => `(?:${regex})`).join("|");

/** A bare specifier naming `name` or one of its subpaths. */
const pkg = (name) => `^${escapeRegex(name)}(?:/|$)`;

/**
 * Regex of the relative specifiers that, written in a file `depth` folders below the root and under the folder
 * `from`, land in the folder `target` (both paths from the root, `target` not under `from`): climb to a common
 * ancestor, then walk down.
 */
function landingIn(from, depth, target) {
  const fromPath = from.split("/");
  const targetPath = target.split("/");
  const ways = [];
  for (let up = depth; up >= depth - fromPath.length; up--) {
    const ancestor = fromPath.slice(0, depth - up);
    if (ancestor.every((folder, i) => targetPath[i] === folder) && targetPath.length > ancestor.length) {
      ways.push(`(?:\\.\\./){${up}}${targetPath.slice(ancestor.length).map(escapeRegex).join("/")}`);
    }
  }
  return `^(?:\\./)?(?:${ways.join("|")})(?:/|$)`;
}

/** Regex of the relative specifiers that climb out of the folder `from`, written in a file `depth` folders deep. */
function leaving(from, depth) {
  return `^(?:\\./)?(?:\\.\\.(?:/|$)){${depth - from.split("/").length + 1}}`;
}

/**
 * One architecture rule as config blocks: the files under `from` but not `except` may not import the bare
 * specifiers matching `names`, nor by a relative path anything in the folders `folders` or (with `leave`) outside
 * `from`. `message` says what the rule is and why.
 */
function architectureRule({
  name,
  message,
  from,
  except = [],
  names = [],
  folders = [],
  leave = false,
  allowTypeImports = false,
}) {
  const fromDepth = from.split("/").length;
  const patternsAt = (depth) => [
    ...(names.length > 0 ? [{ regex: anyOf(names), message, allowTypeImports }] : []),
    ...folders.map((folder) => ({
      regex: landingIn(from, depth, folder),
      message,
      allowTypeImports,
    })),
    ...(leave ? [{ regex: leaving(from, depth), message, allowTypeImports }] : []),
  ];
  const block = (files, patterns) => ({
    name: `architecture/${name} (${files.join(", ")})`,
    files,
    ignores: except,
    rules: { [`architecture/${name}`]: ["error", { patterns }] },
  });
  if (folders.length === 0 && !leave) return [block([`${from}/**`], patternsAt(fromDepth))];
  const blocks = [];
  for (let depth = fromDepth; depth <= MAX_DEPTH; depth++) {
    blocks.push(block([`${from}/${"*/".repeat(depth - fromDepth)}*`], patternsAt(depth)));
  }
  return blocks;
}

const TESTS = ["**/*.test.ts", "**/test-support/**"];
const PROVIDER_SDKS = [
  "@googleapis/gmail",
  "googleapis",
  "@azure/msal-node",
  "imapflow",
  "nodemailer",
  "@microsoft/microsoft-graph-types",
];
const TEST_LIBRARIES = ["vitest", "@vitest", "msw", "fast-check", "smtp-server", "playwright-core", "axe-core"];

const ARCHITECTURE = [
  // 1. Package boundaries. (generated/ has the stricter rule 8.)
  ...["codegen", "conformance", "server", "scripts"].flatMap((from) =>
    architectureRule({
      name: "packages-import-by-name",
      message:
        "Architecture: no relative import crosses a package boundary; packages import each other by name " +
        "(@mcpemails/...), declared in their package.json, so that each one builds, packs and is published on its own.",
      from,
      folders: PACKAGES.filter((other) => other !== from),
    }),
  ),
  // 2. spec -> codegen -> generated.
  ...architectureRule({
    name: "codegen-imports-no-runner-or-server",
    message:
      "Architecture: codegen imports nothing from the conformance runner or the server: dependencies point one way, " +
      "spec -> codegen -> generated <- server, conformance.",
    from: "codegen",
    names: [pkg("@mcpemails/conformance"), pkg("@mcpemails/server")],
  }),
  ...architectureRule({
    name: "codegen-never-imports-its-output",
    message:
      "Architecture: codegen never imports @mcpemails/generated, its own output (only its tests may, to check it): " +
      "pnpm gen must be able to rewrite generated/ whatever state it is in.",
    from: "codegen",
    except: TESTS,
    names: [pkg("@mcpemails/generated")],
  }),
  // 3.
  ...architectureRule({
    name: "runner-never-imports-server",
    message:
      "Architecture: the conformance runner never imports the server (nor codegen): it checks any MCPEmails server " +
      "over HTTP and is published on its own; only its tests (*.test.ts, test-support/) may start the reference " +
      "server, through @mcpemails/server/testing.",
    from: "conformance/src",
    except: TESTS,
    names: [pkg("@mcpemails/server"), pkg("@mcpemails/codegen")],
  }),
  // 4.
  ...architectureRule({
    name: "server-src-is-production-code",
    message:
      "Architecture: server/src is production code: it never imports codegen, the conformance runner, the test " +
      "infrastructure (server/test, @mcpemails/server/testing) or a test library (vitest, msw, fast-check, " +
      "smtp-server, playwright-core, axe-core); only its *.test.ts files may, so that dist/ runs on the production " +
      "dependencies alone.",
    from: "server/src",
    except: ["server/src/**/*.test.ts"],
    names: [
      pkg("@mcpemails/codegen"),
      pkg("@mcpemails/conformance"),
      pkg("@mcpemails/server/testing"),
      ...TEST_LIBRARIES.map(pkg),
    ],
    folders: ["server/test"],
  }),
  // 5. Type-only imports are allowed: providers name the store's records (InboxRecord, SandboxMessage) and the slice
  // of the Store interface they are handed (registry.ts: ProviderStore; sandbox-message.ts: SandboxMailbox).
  ...architectureRule({
    name: "providers-never-touch-store-or-limits",
    message:
      "Architecture: a provider never talks to the store or the limits: it gets what it needs from the tool layer " +
      "(the registry hands it its inbox record and, for the sandbox, a mailbox); it may name their types " +
      "(import type), never call them.",
    from: "server/src/providers",
    except: ["server/src/**/*.test.ts"],
    folders: ["server/src/store", "server/src/limits"],
    allowTypeImports: true,
  }),
  // 6.
  ...architectureRule({
    name: "mail-depends-on-no-provider",
    message:
      "Architecture: mail/ depends on no provider: it is the message handling (parse, compose, addresses, threading) " +
      "every provider shares, so it imports no provider and nothing of the store, the limits, the tools, /mcp or admin.",
    from: "server/src/mail",
    folders: ["providers", "store", "limits", "tools", "mcp", "admin"].map((folder) => `server/src/${folder}`),
  }),
  // 7.
  ...architectureRule({
    name: "mcp-never-calls-a-provider",
    message:
      "Architecture: the MCP layer never talks to a provider SDK (Gmail, MSAL, Graph, IMAP, nodemailer) or to one " +
      "provider's code directly: it reaches providers through the tool layer and the MailProvider interface " +
      "(providers/provider.ts), so /mcp behaves the same whatever the inbox.",
    from: "server/src/mcp",
    names: PROVIDER_SDKS.map(pkg),
    folders: ["sandbox", "imap", "gmail", "outlook"].map((kind) => `server/src/providers/${kind}`),
  }),
  // 8.
  ...architectureRule({
    name: "generated-depends-on-nothing-hand-written",
    message:
      "Architecture: generated/ depends on nothing hand-written: pnpm gen writes it from the spec alone and it is " +
      "published on its own, so it imports no @mcpemails package and nothing outside generated/ by a relative path.",
    from: "generated",
    names: ["^@mcpemails/"],
    leave: true,
  }),
  {
    name: "architecture/max-depth",
    files: [`{${PACKAGES.join(",")}}/${"*/".repeat(MAX_DEPTH)}**/*`],
    rules: {
      "architecture/max-depth": [
        "error",
        {
          selector: "Program",
          message: `Architecture: the architecture rules check files at most ${MAX_DEPTH} folders deep; raise MAX_DEPTH in eslint.config.js.`,
        },
      ],
    },
  },
];

const architecturePlugin = {
  meta: { name: "architecture" },
  rules: {
    ...Object.fromEntries(
      ARCHITECTURE.flatMap((block) => Object.keys(block.rules))
        .filter((ruleId) => ruleId !== "architecture/max-depth")
        .map((ruleId) => [ruleId.slice("architecture/".length), restrictedImports]),
    ),
    "max-depth": builtinRules.get("no-restricted-syntax"),
  },
};

// ---------------------------------------------------------------------------------------------------------------

/** A config block that has rules, kept off generated/. */
const handWrittenOnly = (block) =>
  block.rules ? { ...block, ignores: [...(block.ignores ?? []), "generated/**"] } : block;

export default tseslint.config(
  { ignores: ["**/node_modules/**", "codegen/.stub-*/**", "**/dist/**"] },
  handWrittenOnly(js.configs.recommended),
  ...tseslint.configs.recommended.map(handWrittenOnly),
  handWrittenOnly({
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: "error",
      "no-console": "off",
    },
  }),
  {
    // The dashboard's one script runs in browsers, as a classic script.
    name: "dashboard/browser-script",
    files: ["server/assets/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: { document: "readonly", navigator: "readonly", window: "readonly", setTimeout: "readonly" },
    },
  },
  { name: "architecture/plugin", plugins: { architecture: architecturePlugin } },
  // generated/'s TypeScript is linted (the recommended blocks above, which name *.ts files, are kept off it) and
  // carries no lint comments: none may switch the architecture rules off.
  { name: "architecture/generated", files: ["generated/**/*.ts"], linterOptions: { noInlineConfig: true } },
  ...ARCHITECTURE,
);
