// The spec, the generated error catalogue (generated/src/errors.ts), the generated types and the
// generated reference (generated/docs/REFERENCE.md) name the same errors, tools, scopes, plans and
// limits, in both directions: nothing the spec has is missing from an artefact, and no artefact
// names anything the spec does not. The artefacts are read from the repository's generated/, the
// files the server and clients actually use, not from a fresh in-memory generation.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Node, Project, SyntaxKind, type SourceFile } from "ts-morph";
import { describe, expect, it } from "vitest";
import * as errors from "@mcpemails/generated/errors";
import { toolInputSchemas, toolOutputSchemas } from "@mcpemails/generated/json-schemas";
import {
  FOLDERS,
  LIMITS,
  PLANS,
  PROTOCOL_REVISIONS,
  STATELESS_REVISIONS,
  QUOTAS,
  SCOPES,
  TOOL_ERRORS,
  TOOL_NAMES,
  TOOL_SCOPES,
} from "@mcpemails/generated";
import { toolsListByRevision } from "@mcpemails/generated";
import { repositoryRoot } from "./cli/repository-root.js";
import { docAnchors, documentedErrorCodes, documentedItems } from "./emit/docs.js";
import { firstCodeSpan, tableAfterAnchor } from "./emit/markdown.js";
import { loadSpecFile } from "./spec/load.js";
import type { ErrorField } from "./spec/model.js";

const root = repositoryRoot();
const spec = loadSpecFile(join(root, "spec/mcpemails.yaml"), "spec/mcpemails.yaml").document;
const typesSource = readFileSync(join(root, "generated/src/types.ts"), "utf8");
const errorsSource = readFileSync(join(root, "generated/src/errors.ts"), "utf8");
const handlersSource = readFileSync(join(root, "generated/src/handlers.ts"), "utf8");
const reference = readFileSync(join(root, "generated/docs/REFERENCE.md"), "utf8");

const project = new Project({ useInMemoryFileSystem: true });
const parseTs = (name: string, text: string): SourceFile => project.createSourceFile(name, text, { overwrite: true });
const typesFile = parseTs("types.ts", typesSource);
const errorsFile = parseTs("errors.ts", errorsSource);
const handlersFile = parseTs("handlers.ts", handlersSource);
const documented = documentedItems(reference);

/**
 * What differs between the names the spec has and the names each artefact has, both ways, as
 * sentences; empty when they agree. Duplicates count too: a name listed twice is a drift.
 */
function drift(specNames: readonly string[], artefacts: Record<string, readonly string[]>): string[] {
  const wanted = new Set(specNames);
  const problems: string[] = [];
  for (const [artefact, names] of Object.entries(artefacts)) {
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) problems.push(`${artefact} has ${name} twice`);
      else if (!wanted.has(name)) problems.push(`${artefact} has ${name}, which the spec does not`);
      seen.add(name);
    }
    for (const name of specNames) if (!seen.has(name)) problems.push(`${artefact} lacks ${name}, which the spec has`);
  }
  return problems;
}

/** The members of a union of literal types (`"a" | "b"`, `-1 | -2`), as strings. */
function unionMembers(file: SourceFile, alias: string): string[] {
  const type = file.getTypeAliasOrThrow(alias).getTypeNodeOrThrow();
  const members = Node.isUnionTypeNode(type) ? type.getTypeNodes() : [type];
  return members.map((member) => {
    if (!Node.isLiteralTypeNode(member))
      throw new Error(`${alias} has a member that is not a literal: ${member.getText()}`);
    return String(JSON.parse(member.getText()) as string | number);
  });
}

const camelCase = (snake: string) => snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
// {name|quoted}: the value as a JSON string (the test's values are all shorter than the cut).
const PLACEHOLDER = /\{([A-Za-z_]+)(\|quoted)?\}/g;
const placeholders = (template: string) => [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ""))];
const fill = (template: string, args: Record<string, unknown>) =>
  template.replace(PLACEHOLDER, (_m, name: string, quoted?: string) =>
    quoted === undefined ? String(args[name]) : JSON.stringify(String(args[name])),
  );

type Constructor = (...args: unknown[]) => unknown;
function constructorFor(name: string): Constructor {
  const value = (errors as Record<string, unknown>)[camelCase(name)];
  if (typeof value !== "function") throw new Error(`errors.ts has no constructor ${camelCase(name)} for ${name}`);
  return value as Constructor;
}

/** A value the field's definition accepts; distinct per field so that swapped placeholders show. */
function sampleValue(name: string, field: ErrorField, index: number): string | number {
  if (field.enum) return field.enum.at(-1) ?? "";
  if (field.type === "integer")
    return Math.min(field.maximum ?? Number.MAX_SAFE_INTEGER, (field.minimum ?? 0) + 7 + index);
  if (field.format === "date-time") return "2026-11-24T00:00:00.000Z";
  return `${name}-sample`;
}

const executionCodes = Object.keys(spec.errors.execution);
const executionError = (code: string) => spec.errors.execution[code] ?? expect.fail(`no execution error ${code}`);
const protocolNames = Object.keys(spec.errors.protocol);
const protocolError = (name: string) => spec.errors.protocol[name] ?? expect.fail(`no protocol error ${name}`);
const toolNames = Object.keys(spec.tools);
const specTool = (name: string) => spec.tools[name] ?? expect.fail(`no tool ${name}`);

describe("execution errors", () => {
  it("are the same codes in the spec, EXECUTION_ERRORS, ExecutionErrorFields, the ExecutionErrorCode union and the doc's tables", () => {
    expect(
      drift(executionCodes, {
        EXECUTION_ERRORS: Object.keys(errors.EXECUTION_ERRORS),
        "errors.ts ExecutionErrorFields": errorsFile
          .getTypeAliasOrThrow("ExecutionErrorFields")
          .getTypeNodeOrThrow()
          .asKindOrThrow(SyntaxKind.TypeLiteral)
          .getProperties()
          .map((p) => p.getName()),
        "types.ts ExecutionErrorCode": unionMembers(typesFile, "ExecutionErrorCode"),
        "REFERENCE.md execution error table": documentedErrorCodes(reference).execution,
        "REFERENCE.md message templates": tableAfterAnchor(reference, docAnchors.messageTemplates).rows.map(
          (row) => firstCodeSpan(row[0] ?? "") ?? "",
        ),
      }),
    ).toEqual([]);
  });

  it.each(executionCodes)(
    "%s has the spec's message, retryability, field names, optional fields and field rules in EXECUTION_ERRORS and the doc",
    (code) => {
      const def = executionError(code);
      expect((errors.EXECUTION_ERRORS as Record<string, unknown>)[code]).toEqual({
        retryable: def.retryable,
        notRetryableFor: def.not_retryable_for ?? [],
        when: def.when,
        guidance: def.guidance,
        message: def.message,
        fields: Object.keys(def.fields ?? {}),
        optionalFields: Object.entries(def.fields ?? {})
          .filter(([, f]) => f.optional === true)
          .map(([name]) => name),
        // What a value must be, as the spec writes it, without the words (description) or the optional flag.
        fieldRules: Object.fromEntries(
          Object.entries(def.fields ?? {}).map(([name, { description: _d, optional: _o, ...rule }]) => [name, rule]),
        ),
      });
      const templateRow = tableAfterAnchor(reference, docAnchors.messageTemplates).rows.find(
        (row) => firstCodeSpan(row[0] ?? "") === code,
      );
      expect(firstCodeSpan(templateRow?.[1] ?? "")).toBe(def.message);
      const errorRow = tableAfterAnchor(reference, docAnchors.executionErrors).rows.find(
        (row) => firstCodeSpan(row[0] ?? "") === code,
      );
      // The "Extra fields" cell starts each field on its own line with the field's name as a code span.
      const documentedFields = [...(errorRow?.[4] ?? "").matchAll(/(?:^|<br>)`([^`]+)` \(/g)].map((m) => m[1] ?? "");
      expect(drift(Object.keys(def.fields ?? {}), { [`REFERENCE.md fields of ${code}`]: documentedFields })).toEqual(
        [],
      );
    },
  );

  it.each(executionCodes)(
    "%s carries exactly the spec's fields in ExecutionErrorFields, optional ones marked optional",
    (code) => {
      const members = errorsFile
        .getTypeAliasOrThrow("ExecutionErrorFields")
        .getTypeNodeOrThrow()
        .asKindOrThrow(SyntaxKind.TypeLiteral)
        .getPropertyOrThrow(code)
        .getTypeNodeOrThrow();
      const fields = Node.isTypeLiteral(members)
        ? members.getProperties().map((p) => `${p.getName()}${p.hasQuestionToken() ? "?" : ""}`)
        : [];
      expect(fields).toEqual(
        Object.entries(executionError(code).fields ?? {}).map(([name, f]) => `${name}${f.optional ? "?" : ""}`),
      );
    },
  );

  it.each(executionCodes)(
    "%s: the constructor returns {content, isError, errorCode}, the template filled in, and exactly the spec's fields",
    (code) => {
      const def = executionError(code);
      const fields = Object.entries(def.fields ?? {});
      const textArgs = placeholders(def.message).filter((p) => !(p in (def.fields ?? {})));
      const fieldArgs = Object.fromEntries(fields.map(([name, field], i) => [name, sampleValue(name, field, i)]));
      const args: Record<string, unknown> = {
        ...Object.fromEntries(textArgs.map((p) => [p, `${p}-sample`])),
        ...fieldArgs,
      };

      expect(constructorFor(code)(args)).toStrictEqual({
        content: [{ type: "text", text: fill(def.message, args) }],
        isError: true,
        errorCode: code,
        ...fieldArgs,
      });
    },
  );

  const withOptionalFields = executionCodes.filter((code) =>
    Object.values(executionError(code).fields ?? {}).some((f) => f.optional),
  );
  it("has codes with optional fields, so the next test checks something", () => {
    expect(withOptionalFields.length).toBeGreaterThan(0);
  });

  it.each(withOptionalFields)("%s: the constructor leaves out an optional field that is not given", (code) => {
    const def = executionError(code);
    const required = Object.entries(def.fields ?? {}).filter(([, f]) => !f.optional);
    const fieldArgs = Object.fromEntries(required.map(([name, field], i) => [name, sampleValue(name, field, i)]));
    const textArgs = placeholders(def.message).filter((p) => !(p in (def.fields ?? {})));
    const args: Record<string, unknown> = {
      ...Object.fromEntries(textArgs.map((p) => [p, `${p}-sample`])),
      ...fieldArgs,
    };

    expect(constructorFor(code)(args)).toStrictEqual({
      content: [{ type: "text", text: fill(def.message, args) }],
      isError: true,
      errorCode: code,
      ...fieldArgs,
    });
  });
});

describe("protocol errors", () => {
  const named = (name: string, code: number) => `${name} (${code})`;

  it("are the same names and numeric codes in the spec, PROTOCOL_ERRORS, the ProtocolErrorName and ProtocolErrorCode unions and the doc's table", () => {
    const specPairs = protocolNames.map((name) => named(name, protocolError(name).code));
    expect(
      drift(specPairs, {
        PROTOCOL_ERRORS: Object.entries(errors.PROTOCOL_ERRORS).map(([name, e]) => named(name, e.code)),
        "REFERENCE.md protocol error table": documentedErrorCodes(reference).protocol.map((e) => named(e.name, e.code)),
      }),
    ).toEqual([]);
    expect(
      drift(protocolNames, { "types.ts ProtocolErrorName": unionMembers(typesFile, "ProtocolErrorName") }),
    ).toEqual([]);
    expect(
      drift(
        protocolNames.map((name) => String(protocolError(name).code)),
        { "types.ts ProtocolErrorCode": unionMembers(typesFile, "ProtocolErrorCode") },
      ),
    ).toEqual([]);
  });

  it.each(protocolNames)(
    "%s: PROTOCOL_ERRORS holds the spec's message, HTTP status, retryability and data fields",
    (name) => {
      const def = protocolError(name);
      expect((errors.PROTOCOL_ERRORS as Record<string, unknown>)[name]).toEqual({
        code: def.code,
        message: def.message,
        httpStatus: def.http_status,
        retryable: def.retryable,
        when: def.when,
        guidance: def.guidance,
        dataFields: Object.keys(def.data ?? {}),
      });
    },
  );

  it.each(protocolNames)(
    "%s: the constructor returns the spec's code, the message, and data only where the spec defines it",
    (name) => {
      const def = protocolError(name);
      const data =
        def.data === undefined
          ? undefined
          : Object.fromEntries(Object.entries(def.data).map(([field, f], i) => [field, sampleValue(field, f, i)]));
      const result = constructorFor(name)("a message", ...(data === undefined ? [] : [data]));
      expect(result).toStrictEqual({ code: def.code, message: "a message", ...(data === undefined ? {} : { data }) });
    },
  );
});

describe("errors.ts constructors", () => {
  // isRetryable is the one helper errors.ts exports beside the constructors.
  const helpers = new Set(["isRetryable"]);

  it("are one per spec error, named in camelCase, and there are no others", () => {
    const functions = Object.entries(errors)
      .filter(([name, value]) => typeof value === "function" && !helpers.has(name))
      .map(([name]) => name);
    expect(
      drift([...protocolNames, ...executionCodes].map(camelCase), { "errors.ts exported functions": functions }),
    ).toEqual([]);
  });
});

describe("tools", () => {
  it("are the same in the spec, the JSON Schemas, TOOL_NAMES, TOOL_SCOPES, TOOL_ERRORS, ToolName, ToolHandlers, every tools/list and the doc", () => {
    const handlers = handlersFile.getInterfaceOrThrow("ToolHandlers");
    expect(
      drift(toolNames, {
        toolInputSchemas: Object.keys(toolInputSchemas),
        toolOutputSchemas: Object.keys(toolOutputSchemas),
        TOOL_NAMES: [...TOOL_NAMES],
        TOOL_SCOPES: Object.keys(TOOL_SCOPES),
        TOOL_ERRORS: Object.keys(TOOL_ERRORS),
        "types.ts ToolName": unionMembers(typesFile, "ToolName"),
        "handlers.ts ToolHandlers": [...handlers.getMethods(), ...handlers.getProperties()].map((m) => m.getName()),
        ...Object.fromEntries(
          Object.entries(toolsListByRevision).map(([revision, list]) => [
            `tools/list ${revision}`,
            list.tools.map((t) => t.name),
          ]),
        ),
        "REFERENCE.md tools": documented.tools,
      }),
    ).toEqual([]);
  });

  it("have a tools/list for each protocol revision of the spec, stateless ones included, and for no other", () => {
    const stateless = spec.transport.stateless?.revisions ?? [];
    expect(
      drift([...stateless, ...spec.transport.protocol_revisions], {
        toolsListByRevision: Object.keys(toolsListByRevision),
        "PROTOCOL_REVISIONS and STATELESS_REVISIONS": [...STATELESS_REVISIONS, ...PROTOCOL_REVISIONS],
        "types.ts ProtocolRevision": unionMembers(typesFile, "ProtocolRevision"),
      }),
    ).toEqual([]);
  });

  it.each(toolNames)("%s has the spec's scope and execution errors in TOOL_SCOPES, TOOL_ERRORS and the doc", (name) => {
    const tool = specTool(name);
    expect((TOOL_SCOPES as Record<string, string>)[name]).toBe(tool.scope);
    expect(
      drift(tool.errors, {
        TOOL_ERRORS: (TOOL_ERRORS as Record<string, readonly string[]>)[name] ?? [],
        "REFERENCE.md": documented.toolErrors[name] ?? [],
      }),
    ).toEqual([]);
  });
});

describe("scopes, plans, quotas, limits and folders", () => {
  it.each([
    [
      "scopes",
      Object.keys(spec.scopes),
      {
        SCOPES: Object.keys(SCOPES),
        "types.ts Scope": unionMembers(typesFile, "Scope"),
        "REFERENCE.md": documented.scopes,
      },
    ],
    [
      "plans",
      Object.keys(spec.plans),
      {
        PLANS: Object.keys(PLANS),
        "types.ts PlanId": unionMembers(typesFile, "PlanId"),
        "REFERENCE.md": documented.plans,
      },
    ],
    [
      "quotas",
      Object.keys(spec.quotas),
      {
        QUOTAS: Object.keys(QUOTAS),
        "types.ts QuotaName": unionMembers(typesFile, "QuotaName"),
        "REFERENCE.md": documented.quotas,
      },
    ],
    [
      "limits",
      Object.keys(spec.limits),
      {
        LIMITS: Object.keys(LIMITS),
        "types.ts LimitName": unionMembers(typesFile, "LimitName"),
        "REFERENCE.md": documented.limits,
      },
    ],
    [
      "folders",
      Object.keys(spec.folders),
      {
        FOLDERS: Object.keys(FOLDERS),
        "types.ts Folder": unionMembers(typesFile, "Folder"),
        "REFERENCE.md": documented.folders,
      },
    ],
  ] as const)(
    "the spec's %s are the generated constants' keys, the union's members and the doc's rows",
    (_kind, specNames, artefacts) => {
      expect(drift(specNames, artefacts)).toEqual([]);
    },
  );

  it("give the spec's values in SCOPES, PLANS, QUOTAS and LIMITS", () => {
    expect(SCOPES).toEqual(spec.scopes);
    expect(PLANS).toEqual(spec.plans);
    expect(QUOTAS).toEqual(spec.quotas);
    expect(LIMITS).toEqual(spec.limits);
  });
});

describe("the comparison", () => {
  it("reports an execution error whose row is missing from the doc", () => {
    const row = reference
      .split("\n")
      .find((line) => line.startsWith(`| <a id="${docAnchors.executionError("scope_denied")}"></a>`));
    expect(row).toBeDefined();
    const doctored = reference.replace(`${row}\n`, "");
    expect(
      drift(executionCodes, { "REFERENCE.md execution error table": documentedErrorCodes(doctored).execution }),
    ).toEqual(["REFERENCE.md execution error table lacks scope_denied, which the spec has"]);
  });

  it("reports a code in the ExecutionErrorCode union that the spec does not have", () => {
    const declaration = "export type ExecutionErrorCode = ";
    expect(typesSource).toContain(declaration);
    const doctored = parseTs("doctored-types.ts", typesSource.replace(declaration, `${declaration}"mailbox_full" | `));
    expect(
      drift(executionCodes, { "types.ts ExecutionErrorCode": unionMembers(doctored, "ExecutionErrorCode") }),
    ).toEqual(["types.ts ExecutionErrorCode has mailbox_full, which the spec does not"]);
  });

  it("reports a tool listed twice, and a protocol error whose number changed", () => {
    expect(drift(toolNames, { TOOL_NAMES: [...toolNames, "read_email"] })).toEqual(["TOOL_NAMES has read_email twice"]);
    expect(drift(["invalid_params (-32602)"], { PROTOCOL_ERRORS: ["invalid_params (-32002)"] })).toEqual([
      "PROTOCOL_ERRORS has invalid_params (-32002), which the spec does not",
      "PROTOCOL_ERRORS lacks invalid_params (-32602), which the spec has",
    ]);
  });
});
