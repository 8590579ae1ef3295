// The protocol reference for agents' operators and implementers, docs/REFERENCE.md: every fact of
// the spec in spec order, schemas rendered from the IR. The document*() readers at the bottom parse
// it back, so tests can hold the docs to the spec in both directions.
import { QUOTED_MAX_LENGTH } from "../schema/templates.js";
import { header, type GenContext, type GeneratedFile } from "../context.js";
import type { ErrorField, SpecExample, SpecSchema } from "../spec/model.js";
import { toNode, type Meta, type PropertyNode, type SchemaModel, type SchemaNode } from "../schema/ir.js";
import type { ToolModel } from "../schema/tools.js";
import { revisionFeatures } from "./mcp-revisions.js";
import {
  anchor,
  code,
  fence,
  firstCodeSpan,
  formatInteger,
  link,
  parseRow,
  prose,
  table,
  tableAfterAnchor,
} from "./markdown.js";

type ResolvedNode = Exclude<SchemaNode, { kind: "ref" }>;

export const docAnchors = {
  endpoint: "endpoint",
  revisions: "mcp-revisions",
  statelessRevisions: "stateless-revisions",
  apiKeys: "api-keys",
  scopes: "scopes",
  tools: "tools",
  toolSummary: "tool-summary",
  tool: (name: string) => `tool-${name}`,
  toolParameters: (name: string) => `tool-${name}-parameters`,
  toolOutput: (name: string) => `tool-${name}-output`,
  toolErrors: (name: string) => `tool-${name}-errors`,
  toolExamples: (name: string) => `tool-${name}-examples`,
  errors: "errors",
  protocolErrors: "protocol-errors",
  protocolError: (name: string) => `protocol-error-${name}`,
  executionErrors: "execution-errors",
  executionError: (code: string) => `error-${code}`,
  messageTemplates: "message-templates",
  rateLimits: "rate-limits",
  plans: "plans",
  quotas: "quotas",
  limits: "limits",
  formats: "formats",
  format: (name: string) => `format-${name}`,
  folders: "folders",
  search: "search",
  portableTerms: "portable-terms",
  decisions: "decisions",
  decision: (id: string) => `decision-${id}`,
} as const;

export function emitReferenceDoc(ctx: GenContext): GeneratedFile {
  const sections = [
    overview(ctx),
    endpointSection(ctx),
    apiKeysSection(ctx),
    scopesSection(ctx),
    toolsSection(ctx),
    errorsSection(ctx),
    rateLimitsSection(ctx),
    plansSection(ctx),
    quotasSection(ctx),
    limitsSection(ctx),
    formatsSection(ctx),
    foldersSection(ctx),
    searchSection(ctx),
    decisionsSection(ctx),
  ];
  return { path: "docs/REFERENCE.md", content: `${header(ctx, "html")}\n${sections.join("\n\n")}\n` };
}

const heading = (level: number, text: string, id?: string) =>
  `${id === undefined ? "" : `${anchor(id)}\n`}${"#".repeat(level)} ${text}`;
const yesNo = (value: boolean) => (value ? "yes" : "no");
const plural = (n: number, word: string) => `${formatInteger(n)} ${word}${n === 1 ? "" : "s"}`;
const list = (items: readonly string[]) => items.map((item) => `- ${item}`).join("\n");
const json = (value: unknown) => fence("json", JSON.stringify(value, null, 2));
const errorLink = (ctx: GenContext, codeName: string) =>
  codeName in ctx.doc.errors.execution ? link(code(codeName), docAnchors.executionError(codeName)) : code(codeName);
const protocolErrorLink = (ctx: GenContext, name: string) =>
  name in ctx.doc.errors.protocol ? link(code(name), docAnchors.protocolError(name)) : code(name);
const hasDecision = (ctx: GenContext, id: string) => ctx.doc.decisions.some((d) => d.id === id);
const decisionLink = (ctx: GenContext, id: string) =>
  hasDecision(ctx, id) ? ` (see ${link(`decision ${code(id)}`, docAnchors.decision(id))})` : "";
const seeDecision = (ctx: GenContext, id: string) =>
  hasDecision(ctx, id) ? [`See also ${link(`decision ${code(id)}`, docAnchors.decision(id))}.`] : [];

function firstSentence(text: string): string {
  return text.split(/(?<=\.)\s/)[0] ?? text;
}

function overview(ctx: GenContext): string {
  const { doc } = ctx;
  const contents: [string, string][] = [
    ["Endpoint", docAnchors.endpoint],
    ["API keys", docAnchors.apiKeys],
    ["Scopes", docAnchors.scopes],
    ["Tools", docAnchors.tools],
    ...ctx.tools.map((t): [string, string] => [`    ${code(t.name)}`, docAnchors.tool(t.name)]),
    ["Errors", docAnchors.errors],
    ["Rate limits", docAnchors.rateLimits],
    ["Plans", docAnchors.plans],
    ["Quotas", docAnchors.quotas],
    ["Limits", docAnchors.limits],
    ["Formats", docAnchors.formats],
    ["Folders", docAnchors.folders],
    ["Search", docAnchors.search],
    ["Decisions", docAnchors.decisions],
  ];
  const toc = contents.map(([text, id]) => {
    const indent = /^\s+/.exec(text)?.[0] ?? "";
    return `${indent}- ${link(text.trimStart(), id)}`;
  });
  return [
    `# ${prose(doc.info.title)} protocol reference`,
    prose(doc.info.summary),
    `Spec version ${code(doc.spec_version)}. Generated from the spec by ${code("pnpm gen")}: edit the spec, not this file.`,
    toc.join("\n"),
  ].join("\n\n");
}

function endpointSection(ctx: GenContext): string {
  const t = ctx.doc.transport;
  const [newest] = t.protocol_revisions;
  const maxBody = `${formatInteger(t.max_body_bytes)} bytes; a larger body is refused with ${protocolErrorLink(ctx, "request_too_large")}${maxBodyRationale(ctx)}`;
  const revisionRows = t.protocol_revisions.map((revision) => {
    const f = revisionFeatures(revision);
    return [
      code(revision),
      yesNo(f.toolAnnotations),
      yesNo(f.structuredOutput),
      yesNo(f.batches),
      yesNo(f.protocolVersionHeader),
    ];
  });
  const headerRevisions = t.protocol_revisions.filter((r) => revisionFeatures(r).protocolVersionHeader);
  return [
    heading(2, "Endpoint", docAnchors.endpoint),
    table(
      ["Setting", "Value"],
      [
        ["Endpoint", code(t.endpoint)],
        ["HTTP method", code(t.http_method)],
        ["Transport", `${code(t.kind)} (MCP Streamable HTTP)`],
        ["Authentication", `${code(`${t.auth.header}: ${t.auth.scheme} <API key>`)} on every request`],
        [
          "On HTTP 401",
          `${code(`WWW-Authenticate: ${t.auth.www_authenticate}`)} and a JSON-RPC error ${protocolErrorLink(ctx, "invalid_api_key")}`,
        ],
        ["Maximum body size", maxBody],
        [
          "Maximum batch length",
          `${formatInteger(t.max_batch_length)} elements, each counted against the rate windows (an element they refuse other than tools/call gets ${protocolErrorLink(ctx, "rate_limited")}); a longer batch is ${protocolErrorLink(ctx, "invalid_request")}`,
        ],
        [
          "Maximum JSON depth",
          `${formatInteger(t.max_json_depth)} levels; deeper arguments of a single tools/call are ${protocolErrorLink(ctx, "invalid_params")} (rule ${code("max_depth")}), deeper elsewhere ${protocolErrorLink(ctx, "invalid_request")}`,
        ],
        [
          "Maximum answer size",
          `${formatInteger(t.max_response_bytes)} bytes per HTTP answer; batch elements past it are not run and get ${protocolErrorLink(ctx, "response_too_large")}`,
        ],
        ["JSON-RPC methods", t.jsonrpc_methods.map(code).join(", ")],
      ],
    ),
    heading(3, "MCP revisions", docAnchors.revisions),
    `Supported revisions, newest first: ${t.protocol_revisions.map(code).join(", ")}.`,
    `The client names its revision in ${code("initialize")}. The server answers with the same revision when it is in this list, and with the newest one (${code(newest ?? "")}) otherwise; a client that cannot use the answer disconnects, as the MCP lifecycle rules say.` +
      (headerRevisions.length > 0
        ? ` From ${code(headerRevisions[headerRevisions.length - 1] ?? "")} on, every later request carries the negotiated revision in the ${code("MCP-Protocol-Version")} header; an unsupported value gets ${protocolErrorLink(ctx, "transport_error")} (HTTP 400).`
        : ""),
    `What each revision carries${decisionLink(ctx, "mcp-revision")}:`,
    table(
      [
        "Revision",
        "Tool annotations",
        "Tool title, outputSchema, structuredContent",
        "JSON-RPC batches",
        "MCP-Protocol-Version header",
      ],
      revisionRows,
    ),
    statelessSection(ctx),
  ]
    .filter((part) => part !== "")
    .join("\n\n");
}

function statelessSection(ctx: GenContext): string {
  const st = ctx.doc.transport.stateless;
  if (!st) return "";
  return [
    heading(3, "Stateless revisions", docAnchors.statelessRevisions),
    `Served on the same endpoint: ${st.revisions.map(code).join(", ")}. There is no ${code("initialize")} and no session: every request carries ${code(`params._meta["${st.meta.protocol_version}"]`)} and ${code(`params._meta["${st.meta.client_capabilities}"]`)} (${code(`"${st.meta.client_info}"`)} is optional), and the headers ${code(st.headers.protocol_version)} and ${code(st.headers.method)} with the same values as the body (${code(st.headers.name)} too on ${code("tools/call")}). A request is one of these when its ${code(st.headers.protocol_version)} header names one of them or its ${code("_meta")} names any revision${decisionLink(ctx, "mcp-revision")}.`,
    table(
      ["Request", "Answer"],
      [
        ["Methods", st.jsonrpc_methods.map(code).join(", ")],
        [
          `${code("_meta")} without the protocol version or the client capabilities`,
          `${protocolErrorLink(ctx, "invalid_params")}, HTTP 400`,
        ],
        ["A header missing or differing from the body", `${protocolErrorLink(ctx, "header_mismatch")}, HTTP 400`],
        [
          "A revision not listed above",
          `${protocolErrorLink(ctx, "unsupported_protocol_version")}, HTTP 400, with ${code("data.supported")} and ${code("data.requested")}`,
        ],
        [
          `Any other method (${code("initialize")}, ${code("ping")}...)`,
          `${protocolErrorLink(ctx, "method_not_found")}, HTTP ${st.unknown_method_http_status}`,
        ],
        [
          "Invalid tool arguments",
          `a tool result with ${code("isError")} and ${code('errorCode: "invalid_params"')}${decisionLink(ctx, "validation-errors")}`,
        ],
        ["A JSON-RPC batch", `${protocolErrorLink(ctx, "invalid_request")}, HTTP 400`],
      ],
    ),
    `Every result carries ${code('resultType: "complete"')}; ${code("server/discover")} and ${code("tools/list")} also ${code(`ttlMs: ${st.cache.ttl_ms}`)} and ${code(`cacheScope: "${st.cache.scope}"`)}, and ${code("server/discover")} names the server in ${code(`_meta["${st.meta.server_info}"]`)}.`,
  ].join("\n\n");
}

/** The spec sizes the body limit from the largest valid request; say so only when the numbers still agree. */
function maxBodyRationale(ctx: GenContext): string {
  const expected = largestValidRequestBytes(ctx);
  if (expected === undefined || ctx.doc.transport.max_body_bytes !== expected) return "";
  return `. That is the largest valid request: the base64 size of the attachment limit, 4 UTF-8 bytes for each character ${code("body")} and ${code("html_body")} may hold, and 1 MiB for the other parameters and the envelope${decisionLink(ctx, "request-bounds")}`;
}

function largestValidRequestBytes(ctx: GenContext): number | undefined {
  const attachmentBytes = ctx.doc.limits.attachments_max_total_bytes;
  const send = ctx.doc.tools.send_email?.input.properties;
  const textLimits = [send?.body?.max_length, send?.html_body?.max_length];
  if (attachmentBytes === undefined || textLimits.some((n) => n === undefined)) return undefined;
  const textCharacters = textLimits.reduce<number>((sum, n) => sum + (n ?? 0), 0);
  return Math.ceil(attachmentBytes / 3) * 4 + 4 * textCharacters + 1024 * 1024;
}

function apiKeysSection(ctx: GenContext): string {
  const keys = ctx.doc.api_keys;
  return [
    heading(2, "API keys", docAnchors.apiKeys),
    `A key matches ${code(keys.pattern)}: a mode prefix followed by a ${keys.secret_length}-character secret.`,
    table(
      ["Mode", "Prefix", "Description"],
      Object.entries(keys.modes).map(([mode, m]) => [code(mode), code(m.prefix), prose(m.description)]),
    ),
    prose(keys.storage),
  ].join("\n\n");
}

function scopesSection(ctx: GenContext): string {
  return [
    heading(2, "Scopes", docAnchors.scopes),
    table(
      ["Scope", "Description", "Tools"],
      Object.entries(ctx.doc.scopes).map(([scope, s]) => [
        code(scope),
        prose(s.description),
        ctx.tools
          .filter((t) => t.spec.scope === scope)
          .map((t) => link(code(t.name), docAnchors.tool(t.name)))
          .join(", "),
      ]),
    ),
  ].join("\n\n");
}

function toolsSection(ctx: GenContext): string {
  const invalidParams = ctx.doc.errors.protocol.invalid_params;
  const notes = [
    "Nested rows use dotted paths, with `[]` for the items of an array (`attachments[].filename`); Required is relative to the enclosing object.",
    "String lengths count Unicode code points, as JSON Schema does.",
    "Objects are closed: inputs and outputs have no fields beyond those listed.",
    invalidParams
      ? `A parameter that breaks its row, or one that is not listed, gets the protocol error ${protocolErrorLink(ctx, "invalid_params")} (${invalidParams.code}) with ${code("data.parameter")} and ${code("data.rule")}${decisionLink(ctx, "validation-errors")}.`
      : "",
    `A successful result carries the output as ${code("structuredContent")} in the revisions that have it and as JSON in a text content block always${decisionLink(ctx, "outputs")}.`,
  ].filter((n) => n !== "");
  return [
    heading(2, "Tools", docAnchors.tools),
    anchor(docAnchors.toolSummary),
    table(
      ["Tool", "Title", "Scope", "Summary"],
      ctx.tools.map((t) => [
        link(code(t.name), docAnchors.tool(t.name)),
        prose(t.spec.title),
        code(t.spec.scope),
        prose(firstSentence(t.spec.description)),
      ]),
    ),
    list(notes),
    ...ctx.tools.map((t) => toolSection(ctx, t)),
  ].join("\n\n");
}

function toolSection(ctx: GenContext, tool: ToolModel): string {
  const { spec } = tool;
  const annotations = Object.entries(spec.annotations).map(([key, value]) => code(`${key}: ${String(value)}`));
  const output = ctx.model.resolve(tool.output);
  const outputDescription = tool.output.meta.description ?? output.meta.description;
  return [
    heading(3, code(tool.name), docAnchors.tool(tool.name)),
    list([
      `**Title:** ${prose(spec.title)}`,
      `**Required scope:** ${link(code(spec.scope), docAnchors.scopes)}`,
      `**Annotations:** ${annotations.join(", ")}`,
    ]),
    prose(spec.description),
    heading(4, "Parameters", docAnchors.toolParameters(tool.name)),
    table(
      ["Parameter", "Type", "Required", "Default", "Constraints", "Description"],
      fieldRows(tool.input.properties, ctx).map((r) => [
        code(r.path),
        code(r.type),
        yesNo(r.required),
        r.defaultValue,
        r.constraints,
        r.description,
      ]),
    ),
    heading(4, "Output", docAnchors.toolOutput(tool.name)),
    ...(outputDescription === undefined ? [] : [prose(outputDescription)]),
    output.kind === "object"
      ? table(
          ["Field", "Type", "Always present", "Constraints", "Description"],
          fieldRows(output.properties, ctx).map((r) => [
            code(r.path),
            code(r.type),
            yesNo(r.required),
            r.constraints,
            r.description,
          ]),
        )
      : `A single ${code(describeNode(tool.output, ctx).type)} value.`,
    heading(4, "Errors", docAnchors.toolErrors(tool.name)),
    table(
      ["Code", "When", "Retryable"],
      spec.errors.map((codeName) => {
        const error = ctx.doc.errors.execution[codeName];
        const retryable =
          error !== undefined && error.retryable && !(error.not_retryable_for ?? []).includes(tool.name);
        return [errorLink(ctx, codeName), prose(error?.when ?? ""), yesNo(retryable)];
      }),
    ),
    `Any call can also get a ${link("protocol error", docAnchors.protocolErrors)}.`,
    heading(4, "Examples", docAnchors.toolExamples(tool.name)),
    ...tool.examples.map((example) => exampleBlock(ctx, tool, example)),
  ].join("\n\n");
}

function exampleBlock(ctx: GenContext, tool: ToolModel, example: SpecExample): string {
  const parts = [heading(5, prose(example.name))];
  if (example.note !== undefined) parts.push(`_${prose(example.note)}_`);
  parts.push(`Request (${code("tools/call")} params):`, json({ name: tool.name, arguments: example.request }));
  if (example.result !== undefined) {
    parts.push(`Result (${code("structuredContent")}, also sent as JSON text):`, json(example.result));
  }
  const error = example.error;
  if (error !== undefined && "errorCode" in error) {
    parts.push(
      `Result, an execution error (${errorLink(ctx, error.errorCode)}):`,
      json({
        content: [{ type: "text", text: error.text }],
        isError: true,
        errorCode: error.errorCode,
        ...error.fields,
      }),
    );
  } else if (error !== undefined) {
    const body = protocolErrorBody(ctx, error);
    const status = body.httpStatus === undefined ? "" : `, HTTP ${body.httpStatus}`;
    parts.push(
      `JSON-RPC error (${body.name === undefined ? code(String(error.code)) : protocolErrorLink(ctx, body.name)}${status}):`,
      json(body.json),
    );
  }
  return parts.join("\n\n");
}

interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  defaultValue: string;
  constraints: string;
  description: string;
}

interface NodeDescription {
  resolved: ResolvedNode;
  type: string;
  constraints: string[];
  description?: string;
  default?: Meta["default"];
}

function fieldRows(properties: readonly PropertyNode[], ctx: GenContext, prefix = ""): FieldRow[] {
  return properties.flatMap((property) => {
    const path = `${prefix}${property.name}`;
    const d = describeNode(property.node, ctx);
    const row: FieldRow = {
      path,
      type: d.type,
      required: property.required,
      defaultValue: d.default === undefined ? "" : code(JSON.stringify(d.default.value)),
      constraints: d.constraints.join("; "),
      description: d.description === undefined ? "" : prose(d.description),
    };
    return [row, ...childRows(d.resolved, ctx, path)];
  });
}

function childRows(node: ResolvedNode, ctx: GenContext, path: string): FieldRow[] {
  if (node.kind === "object") return fieldRows(node.properties, ctx, `${path}.`);
  if (node.kind === "array") return childRows(ctx.model.resolve(node.items), ctx, `${path}[]`);
  return [];
}

/** A node as a row shows it: a reference's own description, default and nullability win over its target's. */
function describeNode(node: SchemaNode, ctx: GenContext): NodeDescription {
  const resolved = ctx.model.resolve(node);
  const nullable = node.meta.nullable || resolved.meta.nullable;
  const itemDescription = resolved.kind === "array" ? describeNode(resolved.items, ctx).description : undefined;
  const description =
    node.meta.description ??
    resolved.meta.description ??
    (itemDescription === undefined ? undefined : `Each item: ${itemDescription}`);
  const defaultValue = node.meta.default ?? resolved.meta.default;
  const type = `${baseType(resolved, ctx.model)}${nullable ? " | null" : ""}`;
  const d: NodeDescription = { resolved, type, constraints: constraints(resolved, ctx) };
  if (description !== undefined) d.description = description;
  if (defaultValue !== undefined) d.default = defaultValue;
  return d;
}

function baseType(node: ResolvedNode, model: SchemaModel): string {
  switch (node.kind) {
    case "string":
      return node.format ? `string (${node.format.name})` : "string";
    case "array": {
      const items = model.resolve(node.items);
      const nullable = node.items.meta.nullable || items.meta.nullable;
      return `array<${baseType(items, model)}${nullable ? " | null" : ""}>`;
    }
    default:
      return node.kind;
  }
}

function constraints(node: ResolvedNode, ctx: GenContext): string[] {
  switch (node.kind) {
    case "string": {
      const out: string[] = [];
      if (node.enum) out.push(`one of: ${node.enum.join(", ")}`);
      const length = range(node.minLength, node.maxLength, "character");
      if (length) out.push(length);
      if (node.pattern !== undefined) out.push(`pattern ${code(node.pattern)}`);
      if (node.format) {
        const format = node.format;
        out.push(
          format.checkedBy === "schema"
            ? link(`${format.name} format`, docAnchors.format(format.name))
            : `${formatLabel(ctx, format.name)}, checked by the server (${errorLink(ctx, format.checkedBy)})`,
        );
      }
      return out;
    }
    case "integer":
      return integerRange(node.minimum, node.maximum);
    case "array": {
      const out: string[] = [];
      const count = range(node.minItems, node.maxItems, "item");
      if (count) out.push(count);
      const items = ctx.model.resolve(node.items);
      if (items.kind !== "object") {
        const itemConstraints = constraints(items, ctx);
        if (itemConstraints.length > 0) out.push(`each item: ${itemConstraints.join(", ")}`);
      }
      return out;
    }
    default:
      return [];
  }
}

/** "An RFC 5322 address; checked by..." -> "RFC 5322 address". */
function formatLabel(ctx: GenContext, name: string): string {
  const description = ctx.doc.formats[name]?.description ?? "";
  return /^(?:An?|The)\s+([^;,.(]+?)\s*[;,.(]/.exec(description)?.[1] ?? `${name} format`;
}

function range(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  if (min !== undefined && max !== undefined)
    return min === max ? `exactly ${plural(max, unit)}` : `${formatInteger(min)}-${formatInteger(max)} ${unit}s`;
  if (max !== undefined) return `at most ${plural(max, unit)}`;
  if (min !== undefined && min > 0) return `at least ${plural(min, unit)}`;
  return undefined;
}

function integerRange(min: number | undefined, max: number | undefined): string[] {
  if (min !== undefined && max !== undefined) return [`${min} <= value <= ${max}`];
  if (min !== undefined) return [`value >= ${min}`];
  if (max !== undefined) return [`value <= ${max}`];
  return [];
}

function errorFields(fields: Record<string, ErrorField> | undefined, ctx: GenContext): string {
  return Object.entries(fields ?? {})
    .map(([name, field]) => {
      const d = describeNode(toNode(field as SpecSchema, ctx.doc), ctx);
      const details = [code(d.type), ...(field.optional ? ["optional"] : []), ...d.constraints].join(", ");
      return `${code(name)} (${details})${d.description === undefined ? "" : `: ${prose(d.description)}`}`;
    })
    .join("\n");
}

function errorsSection(ctx: GenContext): string {
  const { protocol, execution } = ctx.doc.errors;
  const retryable = (e: { retryable: boolean; not_retryable_for?: string[] }) =>
    e.retryable && e.not_retryable_for && e.not_retryable_for.length > 0
      ? `yes, except for ${e.not_retryable_for.join(", ")}`
      : yesNo(e.retryable);
  const returnedBy = (codeName: string) =>
    ctx.tools
      .filter((t) => t.spec.errors.includes(codeName))
      .map((t) => link(code(t.name), docAnchors.tool(t.name)))
      .join(", ");
  const shape = {
    content: [{ type: "text", text: "<the message, from the template below>" }],
    isError: true,
    errorCode: "<code>",
    "<extraField>": "<value>",
  };
  return [
    heading(2, "Errors", docAnchors.errors),
    `A call fails in one of two ways. A **protocol error** is a JSON-RPC error response (${code("error")} with ${code("code")}, a short ${code("message")} and sometimes ${code("data")}): the request never reached a tool, or its parameters are invalid. An **execution error** is a normal ${code("tools/call")} result with ${code("isError: true")}: the tool ran and failed.`,
    heading(3, "Protocol errors", docAnchors.protocolErrors),
    ...protocolErrorSample(ctx),
    table(
      ["Name", "Code", "HTTP status", "When", "Retryable", "Guidance", "data fields"],
      Object.entries(protocol).map(([name, e]) => [
        `${anchor(docAnchors.protocolError(name))}${code(name)}`,
        code(String(e.code)),
        String(e.http_status),
        prose(e.when),
        retryable(e),
        prose(e.guidance),
        errorFields(e.data, ctx),
      ]),
    ),
    heading(3, "Execution errors", docAnchors.executionErrors),
    `An execution error result has this shape, with no ${code("structuredContent")}; the code's extra fields sit beside ${code("errorCode")}${decisionLink(ctx, "error-results")}:`,
    json(shape),
    table(
      ["Code", "When", "Retryable", "Guidance", "Extra fields", "Returned by"],
      Object.entries(execution).map(([codeName, e]) => [
        `${anchor(docAnchors.executionError(codeName))}${code(codeName)}`,
        prose(e.when),
        retryable(e),
        prose(e.guidance),
        errorFields(e.fields, ctx),
        returnedBy(codeName),
      ]),
    ),
    heading(4, "Message templates", docAnchors.messageTemplates),
    `The text block of an execution error follows its code's template; the server fills in each ${code("{placeholder}")}, ` +
      `and writes a ${code("{placeholder|quoted}")} (text a stranger may have chosen, such as the sender of a message replied to) ` +
      `as a JSON string of at most ${QUOTED_MAX_LENGTH} characters, cut with "…", so that it reads as data.`,
    table(
      ["Code", "Message template"],
      Object.entries(execution).map(([codeName, e]) => [
        link(code(codeName), docAnchors.executionError(codeName)),
        code(e.message),
      ]),
    ),
  ].join("\n\n");
}

/** A whole JSON-RPC error response, built from the first protocol-error example of the spec. */
function protocolErrorSample(ctx: GenContext): string[] {
  for (const tool of ctx.tools) {
    for (const example of tool.examples) {
      const error = example.error;
      if (error === undefined || "errorCode" in error) continue;
      const body = protocolErrorBody(ctx, error);
      return [
        `The HTTP status is in the table; the body is a JSON-RPC error response, for example (from ${link(code(tool.name), docAnchors.toolExamples(tool.name))}):`,
        json({ jsonrpc: "2.0", id: 1, error: body.json }),
      ];
    }
  }
  return [];
}

function protocolErrorBody(
  ctx: GenContext,
  error: { code: number; data?: Record<string, unknown> | undefined },
): { name?: string; httpStatus?: number; json: Record<string, unknown> } {
  const [name, def] = Object.entries(ctx.doc.errors.protocol).find(([, e]) => e.code === error.code) ?? [];
  const message = typeof error.data?.message === "string" ? error.data.message : (def?.message ?? "Error");
  const json: Record<string, unknown> = { code: error.code, message };
  if (error.data !== undefined) json.data = error.data;
  return {
    ...(name === undefined ? {} : { name }),
    ...(def === undefined ? {} : { httpStatus: def.http_status }),
    json,
  };
}

function rateLimitsSection(ctx: GenContext): string {
  const r = ctx.doc.rate_limits;
  const refusal =
    "rate_limit_exceeded" in ctx.doc.errors.execution
      ? ` A refused call gets ${errorLink(ctx, "rate_limit_exceeded")}.`
      : "";
  return [
    heading(2, "Rate limits", docAnchors.rateLimits),
    `Counted per ${prose(r.counted_per)}.${refusal}`,
    table(
      ["Window", "Length", "Limit"],
      r.windows.map((w) => [code(w.name), plural(w.seconds, "second"), plural(w.limit, "request")]),
    ),
    list([
      `**What counts:** ${prose(r.counts)}`,
      `**Algorithm:** ${prose(r.algorithm)}`,
      `**retryAfter:** ${prose(r.retry_after)}`,
    ]),
    ...seeDecision(ctx, "rate-limits"),
  ].join("\n\n");
}

function plansSection(ctx: GenContext): string {
  const refusal =
    "quota_exceeded" in ctx.doc.errors.execution
      ? ` A call over a quota gets ${errorLink(ctx, "quota_exceeded")}.`
      : "";
  return [
    heading(2, "Plans", docAnchors.plans),
    table(
      ["Plan", "Id", "Calls per month", "Sends per day"],
      Object.entries(ctx.doc.plans).map(([id, p]) => [
        prose(p.title),
        code(id),
        p.calls_per_month === null ? "no monthly quota" : formatInteger(p.calls_per_month),
        typeof p.sends_per_day === "number" ? formatInteger(p.sends_per_day) : p.sends_per_day,
      ]),
    ),
    `Rate limits apply on every plan. See ${link("Quotas", docAnchors.quotas)} for what counts.${refusal}`,
  ].join("\n\n");
}

function quotasSection(ctx: GenContext): string {
  return [
    heading(2, "Quotas", docAnchors.quotas),
    table(
      ["Quota", "What counts", "Counted per", "Period"],
      Object.entries(ctx.doc.quotas).map(([name, q]) => [
        code(name),
        prose(q.applies_to),
        prose(q.counted_per),
        prose(q.period),
      ]),
    ),
  ].join("\n\n");
}

const UNITS: Record<string, string> = { bytes: "byte", chars: "character", seconds: "second" };
const WORDS: Record<string, string> = { max: "maximum", min: "minimum" };

/** "subject_max_chars" -> label "Subject maximum", unit "character". */
export function limitLabel(key: string): { label: string; unit?: string } {
  const words = key.split("_");
  const last = words[words.length - 1] ?? "";
  const unit = words.length > 1 ? UNITS[last] : undefined;
  const labelWords = (unit === undefined ? words : words.slice(0, -1)).map((w) => WORDS[w] ?? w);
  const text = labelWords.join(" ");
  const label = text.charAt(0).toUpperCase() + text.slice(1);
  return unit === undefined ? { label } : { label, unit };
}

function limitsSection(ctx: GenContext): string {
  const MiB = 1024 * 1024;
  return [
    heading(2, "Limits", docAnchors.limits),
    table(
      ["Limit", "Key", "Value"],
      Object.entries(ctx.doc.limits).map(([key, value]) => {
        const { label, unit } = limitLabel(key);
        const mib = unit === "byte" && value >= MiB && value % MiB === 0 ? ` (${value / MiB} MiB)` : "";
        return [label, code(key), unit === undefined ? formatInteger(value) : `${plural(value, unit)}${mib}`];
      }),
    ),
  ].join("\n\n");
}

function formatsSection(ctx: GenContext): string {
  return [
    heading(2, "Formats", docAnchors.formats),
    table(
      ["Format", "Checked by", "JSON Schema format", "Pattern", "Description"],
      Object.entries(ctx.doc.formats).map(([name, f]) => [
        `${anchor(docAnchors.format(name))}${code(name)}`,
        f.checked_by === "schema"
          ? `the schema (a bad input gets ${protocolErrorLink(ctx, "invalid_params")})`
          : `the server (${errorLink(ctx, f.checked_by)})`,
        f.json_schema_format === undefined ? "" : code(f.json_schema_format),
        f.pattern === undefined ? "" : code(f.pattern),
        prose(f.description),
      ]),
    ),
  ].join("\n\n");
}

function foldersSection(ctx: GenContext): string {
  return [
    heading(2, "Folders", docAnchors.folders),
    table(
      ["Folder", "Description"],
      Object.entries(ctx.doc.folders).map(([name, f]) => [code(name), prose(f.description)]),
    ),
  ].join("\n\n");
}

function searchSection(ctx: GenContext): string {
  const s = ctx.doc.search;
  const chooser = ctx.tools.flatMap((t) => {
    const syntax = t.input.properties.find((p) => p.name === "syntax");
    if (syntax === undefined) return [];
    const fallback = describeNode(syntax.node, ctx).default;
    return [
      `${link(code(t.name), docAnchors.tool(t.name))} takes the syntax in its ${code("syntax")} parameter${fallback === undefined ? "" : ` (default ${code(JSON.stringify(fallback.value))})`}.`,
    ];
  });
  return [
    heading(2, "Search", docAnchors.search),
    ...chooser,
    table(
      ["Syntax", "Meaning"],
      Object.entries(s.syntaxes).map(([name, meaning]) => [code(name), prose(meaning)]),
    ),
    heading(3, "Portable terms", docAnchors.portableTerms),
    prose(s.combining),
    table(
      ["Form", "Matches"],
      s.portable_terms.map((t) => [code(t.form), prose(t.matches)]),
    ),
  ].join("\n\n");
}

function decisionsSection(ctx: GenContext): string {
  return [
    heading(2, "Decisions", docAnchors.decisions),
    "Where the seed (the original product description) was silent, ambiguous or at odds with MCP, the spec decided as follows.",
    ...ctx.doc.decisions.map((d) =>
      [
        heading(3, prose(d.topic), docAnchors.decision(d.id)),
        list([`**Id:** ${code(d.id)}`, `**The seed said:** ${prose(d.seed)}`, `**Decision:** ${prose(d.decision)}`]),
      ].join("\n\n"),
    ),
  ].join("\n\n");
}

/** What a rendered reference names, read back from its tables and anchors. */
export interface DocumentedItems {
  tools: string[];
  parameters: Record<string, string[]>;
  outputs: Record<string, string[]>;
  toolErrors: Record<string, string[]>;
  protocolErrors: { name: string; code: number }[];
  executionErrors: string[];
  scopes: string[];
  plans: string[];
  quotas: string[];
  limits: string[];
  formats: string[];
  folders: string[];
  portableTerms: string[];
  decisions: string[];
}

export function documentedErrorCodes(markdown: string): {
  protocol: { name: string; code: number }[];
  execution: string[];
} {
  return {
    protocol: tableAfterAnchor(markdown, docAnchors.protocolErrors).rows.map((row) => ({
      name: firstCodeSpan(row[0] ?? "") ?? "",
      code: Number(firstCodeSpan(row[1] ?? "")),
    })),
    execution: firstColumnCodes(markdown, docAnchors.executionErrors),
  };
}

export function documentedItems(markdown: string): DocumentedItems {
  const tools = [...markdown.matchAll(/<a id="tool-([^"]+)"><\/a>\n### `([^`]+)`$/gm)]
    .filter((m) => m[1] === m[2])
    .map((m) => m[2] ?? "");
  const perTool = (id: (name: string) => string) =>
    Object.fromEntries(tools.map((t) => [t, firstColumnCodes(markdown, id(t))]));
  const errors = documentedErrorCodes(markdown);
  return {
    tools,
    parameters: perTool(docAnchors.toolParameters),
    outputs: perTool(docAnchors.toolOutput),
    toolErrors: perTool(docAnchors.toolErrors),
    protocolErrors: errors.protocol,
    executionErrors: errors.execution,
    scopes: firstColumnCodes(markdown, docAnchors.scopes),
    plans: tableAfterAnchor(markdown, docAnchors.plans).rows.map((row) => firstCodeSpan(row[1] ?? "") ?? ""),
    quotas: firstColumnCodes(markdown, docAnchors.quotas),
    limits: tableAfterAnchor(markdown, docAnchors.limits).rows.map((row) => firstCodeSpan(row[1] ?? "") ?? ""),
    formats: firstColumnCodes(markdown, docAnchors.formats),
    folders: firstColumnCodes(markdown, docAnchors.folders),
    portableTerms: firstColumnCodes(markdown, docAnchors.portableTerms),
    decisions: [...markdown.matchAll(/<a id="decision-([^"]+)"><\/a>\n### /g)].map((m) => m[1] ?? ""),
  };
}

function firstColumnCodes(markdown: string, id: string): string[] {
  return tableAfterAnchor(markdown, id).rows.map((row) => firstCodeSpan(row[0] ?? "") ?? "");
}

/** Every table row of a rendered document, for checking that each has as many cells as its header. */
export function tableShapes(markdown: string): { header: number; row: number; line: string }[] {
  const shapes: { header: number; row: number; line: string }[] = [];
  let headerCells: number | undefined;
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) {
      headerCells = undefined;
      continue;
    }
    const cells = parseRow(line).length;
    if (headerCells === undefined) headerCells = cells;
    else shapes.push({ header: headerCells, row: cells, line });
  }
  return shapes;
}
