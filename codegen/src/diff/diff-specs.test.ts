// What `pnpm spec:diff` calls breaking. Each case takes the real spec, makes one targeted edit and
// shows the exact changes reported.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSpec } from "../spec/load.js";
import type { SpecDocument, SpecExecutionError, SpecProtocolError, SpecSchema, SpecTool } from "../spec/model.js";
import { diffSpecs, type SpecChange } from "./diff-specs.js";

const SPEC = parseSpec(
  readFileSync(new URL("../../../spec/mcpemails.yaml", import.meta.url), "utf8"),
  "spec/mcpemails.yaml",
).document;

function changesAfter(edit: (doc: SpecDocument) => void, before: SpecDocument = SPEC): SpecChange[] {
  const after = structuredClone(before);
  edit(after);
  return diffSpecs(before, after);
}

function edited(edit: (doc: SpecDocument) => void): SpecDocument {
  const doc = structuredClone(SPEC);
  edit(doc);
  return doc;
}

function entry<T>(record: Record<string, T> | undefined, key: string): T {
  const value = record?.[key];
  if (value === undefined) throw new Error(`the spec has no "${key}" here`);
  return value;
}

function item<T>(list: readonly T[], index: number): T {
  const value = list[index];
  if (value === undefined) throw new Error(`the spec has no item ${index} here`);
  return value;
}

const tool = (doc: SpecDocument, name: string): SpecTool => entry(doc.tools, name);
const inputParam = (doc: SpecDocument, toolName: string, param: string): SpecSchema =>
  entry(tool(doc, toolName).input.properties, param);
const outputField = (doc: SpecDocument, toolName: string, field: string): SpecSchema =>
  entry(tool(doc, toolName).output.properties, field);
const namedType = (doc: SpecDocument, name: string): SpecSchema => entry(doc.types, name);
const typeProperty = (doc: SpecDocument, type: string, property: string): SpecSchema =>
  entry(namedType(doc, type).properties, property);
const executionError = (doc: SpecDocument, code: string): SpecExecutionError => entry(doc.errors.execution, code);
const protocolError = (doc: SpecDocument, name: string): SpecProtocolError => entry(doc.errors.protocol, name);

const breaking = (path: string, summary: string, values?: { before: unknown; after: unknown }): SpecChange => ({
  path,
  breaking: true,
  summary,
  ...values,
});
const compatible = (path: string, summary: string, values?: { before: unknown; after: unknown }): SpecChange => ({
  path,
  breaking: false,
  summary,
  ...values,
});

describe("a spec compared with itself", () => {
  it("has no changes", () => {
    expect(diffSpecs(SPEC, structuredClone(SPEC))).toEqual([]);
  });
});

describe("breaking: tools and their inputs", () => {
  it("a removed tool", () => {
    expect(changesAfter((doc) => delete doc.tools.search_emails)).toEqual([
      breaking("tools.search_emails", "tool removed"),
    ]);
  });

  it("a removed input parameter: clients still sending it get unknown_parameter", () => {
    expect(changesAfter((doc) => delete tool(doc, "send_email").input.properties?.html_body)).toEqual([
      breaking("tools.send_email.input.html_body", "input parameter removed"),
    ]);
  });

  it("a new required input parameter", () => {
    const changes = changesAfter((doc) => {
      const input = tool(doc, "send_email").input;
      input.properties = { ...input.properties, priority: { type: "string", enum: ["low", "high"] } };
      input.required = [...(input.required ?? []), "priority"];
    });
    expect(changes).toEqual([breaking("tools.send_email.input.priority", "new required input parameter")]);
  });

  it("an optional input parameter that becomes required", () => {
    expect(changesAfter((doc) => tool(doc, "send_email").input.required?.push("html_body"))).toEqual([
      breaking("tools.send_email.input.html_body", "input parameter became required", {
        before: "optional",
        after: "required",
      }),
    ]);
  });

  it("a raised minimum", () => {
    expect(changesAfter((doc) => (inputParam(doc, "list_inbox", "limit").minimum = 5))).toEqual([
      breaking("tools.list_inbox.input.limit.minimum", "input bound tightened", { before: 1, after: 5 }),
    ]);
  });

  it("a lowered maximum", () => {
    expect(changesAfter((doc) => (inputParam(doc, "list_inbox", "offset").maximum = 5000))).toEqual([
      breaking("tools.list_inbox.input.offset.maximum", "input bound tightened", { before: 10000, after: 5000 }),
    ]);
  });

  it("a raised min_length", () => {
    expect(changesAfter((doc) => (inputParam(doc, "search_emails", "query").min_length = 3))).toEqual([
      breaking("tools.search_emails.input.query.min_length", "input bound tightened", { before: 1, after: 3 }),
    ]);
  });

  it("a lowered max_length inside a named type, reported under every tool that uses the type", () => {
    expect(changesAfter((doc) => (typeProperty(doc, "attachment_input", "filename").max_length = 100))).toEqual([
      breaking("tools.send_email.input.attachments[].filename.max_length", "input bound tightened", {
        before: 255,
        after: 100,
      }),
      breaking("tools.reply_to_email.input.attachments[].filename.max_length", "input bound tightened", {
        before: 255,
        after: 100,
      }),
      breaking("tools.create_draft.input.attachments[].filename.max_length", "input bound tightened", {
        before: 255,
        after: 100,
      }),
      breaking("tools.update_draft.input.attachments[].filename.max_length", "input bound tightened", {
        before: 255,
        after: 100,
      }),
    ]);
  });

  it("a new max_length where there was none", () => {
    const unbounded = edited((doc) => delete inputParam(doc, "send_email", "body").max_length);
    expect(changesAfter((doc) => (inputParam(doc, "send_email", "body").max_length = 100000), unbounded)).toEqual([
      breaking("tools.send_email.input.body.max_length", "input bound tightened", { before: undefined, after: 100000 }),
    ]);
  });

  it("a raised min_items and a lowered max_items", () => {
    const changes = changesAfter((doc) => {
      inputParam(doc, "send_email", "to").min_items = 2;
      inputParam(doc, "send_email", "cc").max_items = 10;
    });
    expect(changes).toEqual([
      breaking("tools.send_email.input.to.min_items", "input bound tightened", { before: 1, after: 2 }),
      breaking("tools.send_email.input.cc.max_items", "input bound tightened", { before: 50, after: 10 }),
    ]);
  });

  it("an enum value removed from an input", () => {
    const threeFormats = edited((doc) => inputParam(doc, "read_email", "body_format").enum?.push("html"));
    expect(changesAfter((doc) => (inputParam(doc, "read_email", "body_format").enum = ["text"]), threeFormats)).toEqual(
      [
        breaking("tools.read_email.input.body_format.enum", "input enum values removed: markdown and html", {
          before: ["text", "markdown", "html"],
          after: ["text"],
        }),
      ],
    );
  });

  it("an input enum opened to strings within bounds that an old value falls outside", () => {
    const opened = (min: number, max: number) => (doc: SpecDocument) => {
      const format = inputParam(doc, "read_email", "body_format");
      delete format.enum;
      format.min_length = min;
      format.max_length = max;
    };
    const enumRemoved = compatible("tools.read_email.input.body_format.enum", "input enum removed", {
      before: ["text", "markdown"],
      after: undefined,
    });
    expect(changesAfter(opened(1, 4))).toEqual([
      breaking("tools.read_email.input.body_format.max_length", "input bound tightened", {
        before: undefined,
        after: 4,
      }),
      enumRemoved,
    ]);
    expect(changesAfter(opened(5, 1024))).toEqual([
      breaking("tools.read_email.input.body_format.min_length", "input bound tightened", {
        before: undefined,
        after: 5,
      }),
      enumRemoved,
    ]);
  });

  it("a pattern added to an input", () => {
    expect(changesAfter((doc) => (inputParam(doc, "send_email", "subject").pattern = "^[^\\r\\n]*$"))).toEqual([
      breaking("tools.send_email.input.subject.pattern", "input pattern added", {
        before: undefined,
        after: "^[^\\r\\n]*$",
      }),
    ]);
  });

  it("a changed pattern, which cannot be ordered, under every tool that uses the named type", () => {
    expect(changesAfter((doc) => (namedType(doc, "idempotency_key").pattern = "^[A-Za-z0-9-]+$"))).toEqual([
      breaking("tools.send_email.input.idempotency_key.pattern", "input pattern changed", {
        before: "^[\\x21-\\x7E]+$",
        after: "^[A-Za-z0-9-]+$",
      }),
      breaking("tools.reply_to_email.input.idempotency_key.pattern", "input pattern changed", {
        before: "^[\\x21-\\x7E]+$",
        after: "^[A-Za-z0-9-]+$",
      }),
      breaking("tools.send_draft.input.idempotency_key.pattern", "input pattern changed", {
        before: "^[\\x21-\\x7E]+$",
        after: "^[A-Za-z0-9-]+$",
      }),
    ]);
  });

  it("a format added to a type used by inputs and outputs: breaking for the inputs only", () => {
    expect(changesAfter((doc) => (namedType(doc, "message_id").format = "uuid"))).toEqual([
      compatible("tools.list_inbox.output.messages[].id.format", "output format added", {
        before: undefined,
        after: "uuid",
      }),
      breaking("tools.read_email.input.message_id.format", "input format added", { before: undefined, after: "uuid" }),
      compatible("tools.read_email.output.id.format", "output format added", { before: undefined, after: "uuid" }),
      compatible("tools.search_emails.output.messages[].id.format", "output format added", {
        before: undefined,
        after: "uuid",
      }),
      breaking("tools.reply_to_email.input.message_id.format", "input format added", {
        before: undefined,
        after: "uuid",
      }),
      compatible("tools.get_thread.output.messages[].id.format", "output format added", {
        before: undefined,
        after: "uuid",
      }),
      breaking("tools.get_attachment.input.message_id.format", "input format added", {
        before: undefined,
        after: "uuid",
      }),
      breaking("tools.create_draft.input.message_id.format", "input format added", {
        before: undefined,
        after: "uuid",
      }),
    ]);
  });

  it("a changed type", () => {
    expect(
      changesAfter(
        (doc) =>
          (tool(doc, "list_inbox").input.properties = {
            ...tool(doc, "list_inbox").input.properties,
            unread_only: { type: "string" },
          }),
      ),
    ).toEqual([
      compatible("tools.list_inbox.input.unread_only.description", "text removed", {
        before: "Return only unread messages.",
        after: undefined,
      }),
      breaking("tools.list_inbox.input.unread_only.default", "default removed", { before: false, after: undefined }),
      breaking("tools.list_inbox.input.unread_only.type", "type changed", { before: "boolean", after: "string" }),
    ]);
  });

  it("an input that stops accepting null", () => {
    const nullableBody = edited((doc) => (inputParam(doc, "send_email", "html_body").nullable = true));
    expect(diffSpecs(nullableBody, SPEC)).toEqual([
      breaking("tools.send_email.input.html_body.nullable", "input no longer accepts null", {
        before: true,
        after: false,
      }),
    ]);
  });

  it("a changed default: calls that omit the parameter now do something else", () => {
    expect(changesAfter((doc) => (inputParam(doc, "list_inbox", "limit").default = 50))).toEqual([
      breaking("tools.list_inbox.input.limit.default", "default changed", { before: 20, after: 50 }),
    ]);
  });

  it("a removed default", () => {
    expect(changesAfter((doc) => delete inputParam(doc, "search_emails", "syntax").default)).toEqual([
      breaking("tools.search_emails.input.syntax.default", "default removed", { before: "portable", after: undefined }),
    ]);
  });

  it("a changed required scope", () => {
    expect(changesAfter((doc) => (tool(doc, "send_email").scope = "read:email"))).toEqual([
      breaking("tools.send_email.scope", "required scope changed", { before: "send:email", after: "read:email" }),
    ]);
  });

  it("a flipped annotation hint: clients act on hints and implementers must honour them", () => {
    expect(changesAfter((doc) => (tool(doc, "read_email").annotations.idempotentHint = false))).toEqual([
      breaking("tools.read_email.annotations.idempotentHint", "hint changed", { before: true, after: false }),
    ]);
  });

  it("an error code no longer listed for a tool", () => {
    expect(
      changesAfter(
        (doc) =>
          (tool(doc, "search_emails").errors = tool(doc, "search_emails").errors.filter((e) => e !== "search_timeout")),
      ),
    ).toEqual([breaking("tools.search_emails.errors", "error code removed: search_timeout")]);
  });
});

describe("breaking: outputs", () => {
  it("a removed output field", () => {
    const changes = changesAfter((doc) => {
      const output = tool(doc, "list_inbox").output;
      delete output.properties?.total_is_estimate;
      output.required = output.required?.filter((name) => name !== "total_is_estimate");
    });
    expect(changes).toEqual([breaking("tools.list_inbox.output.total_is_estimate", "output field removed")]);
  });

  it("an output field that becomes optional, under every tool returning the type", () => {
    expect(
      changesAfter(
        (doc) =>
          (namedType(doc, "message_summary").required = namedType(doc, "message_summary").required?.filter(
            (name) => name !== "snippet",
          )),
      ),
    ).toEqual([
      breaking("tools.list_inbox.output.messages[].snippet", "output field became optional", {
        before: "required",
        after: "optional",
      }),
      breaking("tools.read_email.output.snippet", "output field became optional", {
        before: "required",
        after: "optional",
      }),
      breaking("tools.search_emails.output.messages[].snippet", "output field became optional", {
        before: "required",
        after: "optional",
      }),
      breaking("tools.get_thread.output.messages[].snippet", "output field became optional", {
        before: "required",
        after: "optional",
      }),
    ]);
  });

  it("an output field that becomes nullable", () => {
    expect(changesAfter((doc) => (typeProperty(doc, "send_result", "idempotent_replay").nullable = true))).toEqual([
      breaking("tools.send_email.output.idempotent_replay.nullable", "output may now be null", {
        before: false,
        after: true,
      }),
      breaking("tools.reply_to_email.output.idempotent_replay.nullable", "output may now be null", {
        before: false,
        after: true,
      }),
      breaking("tools.send_draft.output.idempotent_replay.nullable", "output may now be null", {
        before: false,
        after: true,
      }),
    ]);
  });

  it("an output bound loosened, under every tool returning the type", () => {
    expect(changesAfter((doc) => (typeProperty(doc, "email_message", "body_text").max_length = 200000))).toEqual([
      breaking("tools.read_email.output.body_text.max_length", "output bound loosened", {
        before: 100000,
        after: 200000,
      }),
      breaking("tools.get_thread.output.messages[].body_text.max_length", "output bound loosened", {
        before: 100000,
        after: 200000,
      }),
    ]);
  });

  it("an output enum that gains a value: generated unions and exhaustive switches have no branch for it", () => {
    expect(changesAfter((doc) => typeProperty(doc, "send_result", "delivery_status").enum?.push("bounced"))).toEqual([
      breaking("tools.send_email.output.delivery_status.enum", "output enum value added: bounced", {
        before: ["accepted", "pending", "unknown", "pending_approval", "scheduled"],
        after: ["accepted", "pending", "unknown", "pending_approval", "scheduled", "bounced"],
      }),
      breaking("tools.reply_to_email.output.delivery_status.enum", "output enum value added: bounced", {
        before: ["accepted", "pending", "unknown", "pending_approval", "scheduled"],
        after: ["accepted", "pending", "unknown", "pending_approval", "scheduled", "bounced"],
      }),
      breaking("tools.send_draft.output.delivery_status.enum", "output enum value added: bounced", {
        before: ["accepted", "pending", "unknown", "pending_approval", "scheduled"],
        after: ["accepted", "pending", "unknown", "pending_approval", "scheduled", "bounced"],
      }),
    ]);
  });
});

describe("breaking: errors", () => {
  it("a removed execution error", () => {
    const changes = changesAfter((doc) => {
      delete doc.errors.execution.search_timeout;
      tool(doc, "search_emails").errors = tool(doc, "search_emails").errors.filter((e) => e !== "search_timeout");
    });
    expect(changes).toEqual([
      breaking("tools.search_emails.errors", "error code removed: search_timeout"),
      breaking("errors.execution.search_timeout", "execution error removed"),
    ]);
  });

  it("a removed protocol error", () => {
    expect(changesAfter((doc) => delete doc.errors.protocol.request_too_large)).toEqual([
      breaking("errors.protocol.request_too_large", "protocol error removed"),
    ]);
  });

  it("a changed protocol error code", () => {
    expect(changesAfter((doc) => (protocolError(doc, "invalid_api_key").code = -32002))).toEqual([
      breaking("errors.protocol.invalid_api_key.code", "numeric code changed", { before: -32001, after: -32002 }),
    ]);
  });

  it("a changed HTTP status", () => {
    expect(changesAfter((doc) => (protocolError(doc, "internal_error").http_status = 503))).toEqual([
      breaking("errors.protocol.internal_error.http_status", "HTTP status changed", { before: 500, after: 503 }),
    ]);
  });

  it("changed retry advice, either way", () => {
    const changes = changesAfter((doc) => {
      executionError(doc, "search_timeout").retryable = false;
      executionError(doc, "provider_error").not_retryable_for = ["send_email"];
    });
    expect(changes).toEqual([
      breaking("errors.execution.search_timeout.retryable", "retry advice changed", { before: true, after: false }),
      breaking("errors.execution.provider_error.not_retryable_for", "no-retry tool removed: reply_to_email"),
    ]);
  });

  it("error fields are outputs: a new enum value in one is breaking, a removed field too", () => {
    const changes = changesAfter((doc) => {
      entry(executionError(doc, "scope_denied").fields, "requiredScope").enum?.push("admin:email");
      delete executionError(doc, "attachment_too_large").fields?.totalBytes;
    });
    expect(changes).toEqual([
      breaking("errors.execution.scope_denied.fields.requiredScope.enum", "output enum value added: admin:email", {
        before: ["read:email", "send:email", "draft:email"],
        after: ["read:email", "send:email", "draft:email", "admin:email"],
      }),
      breaking("errors.execution.attachment_too_large.fields.totalBytes", "output field removed"),
    ]);
  });

  it("a new scope in an error field's enum when a tool that was already there needs it", () => {
    const changes = changesAfter((doc) => {
      doc.scopes["label:email"] = { description: "Label messages." };
      tool(doc, "list_folders").scope = "label:email";
      entry(executionError(doc, "scope_denied").fields, "requiredScope").enum?.push("label:email");
    });
    expect(changes).toEqual([
      compatible("scopes.label:email", "new scope"),
      breaking("tools.list_folders.scope", "required scope changed", { before: "read:email", after: "label:email" }),
      breaking("errors.execution.scope_denied.fields.requiredScope.enum", "output enum value added: label:email", {
        before: ["read:email", "send:email", "draft:email"],
        after: ["read:email", "send:email", "draft:email", "label:email"],
      }),
    ]);
  });

  it("a new scope that only new tools need, added to an error field's enum with a value that is no scope", () => {
    const changes = changesAfter((doc) => {
      doc.scopes["label:email"] = { description: "Label messages." };
      doc.tools.list_labels = { ...structuredClone(tool(doc, "list_folders")), scope: "label:email" };
      entry(executionError(doc, "scope_denied").fields, "requiredScope").enum?.push("label:email", "admin:email");
    });
    expect(changes).toEqual([
      compatible("scopes.label:email", "new scope"),
      compatible("tools.list_labels", "new tool"),
      breaking(
        "errors.execution.scope_denied.fields.requiredScope.enum",
        "output enum values added: label:email and admin:email",
        {
          before: ["read:email", "send:email", "draft:email"],
          after: ["read:email", "send:email", "draft:email", "label:email", "admin:email"],
        },
      ),
    ]);
  });

  it("an error field that becomes optional", () => {
    expect(
      changesAfter((doc) => (entry(executionError(doc, "rate_limit_exceeded").fields, "retryAfter").optional = true)),
    ).toEqual([
      breaking("errors.execution.rate_limit_exceeded.fields.retryAfter", "output field became optional", {
        before: "required",
        after: "optional",
      }),
    ]);
  });
});

describe("breaking: scopes, transport, limits, rate limits and plans", () => {
  it("a removed scope", () => {
    expect(changesAfter((doc) => delete doc.scopes["send:email"])).toEqual([
      breaking("scopes.send:email", "scope removed"),
    ]);
  });

  it("a removed protocol revision", () => {
    expect(
      changesAfter((doc) => (doc.transport.protocol_revisions = ["2025-11-25", "2025-06-18", "2025-03-26"])),
    ).toEqual([breaking("transport.protocol_revisions", "protocol revision removed: 2024-11-05")]);
  });

  it("a lowered body size limit", () => {
    expect(changesAfter((doc) => (doc.transport.max_body_bytes = 1048576))).toEqual([
      breaking("transport.max_body_bytes", "lowered", { before: 17126744, after: 1048576 }),
    ]);
  });

  it("a new limit named after a tool that was already there, or only almost after a new tool", () => {
    const changes = changesAfter((doc) => {
      doc.tools.list_drafts = structuredClone(tool(doc, "list_inbox"));
      doc.limits.list_inbox_max_pages = 10;
      doc.limits.get_thread_max_depth = 5;
      doc.limits.list_draftsmax_items = 100;
    });
    expect(changes).toEqual([
      breaking("limits.list_inbox_max_pages", "new limit"),
      breaking("limits.get_thread_max_depth", "new limit"),
      breaking("limits.list_draftsmax_items", "new limit"),
      compatible("tools.list_drafts", "new tool"),
    ]);
  });

  it("a lowered limit, and a new one", () => {
    const changes = changesAfter((doc) => {
      doc.limits.attachments_max_total_bytes = 5242880;
      doc.limits.folders_max_items = 20;
    });
    expect(changes).toEqual([
      breaking("limits.attachments_max_total_bytes", "lowered", { before: 10485760, after: 5242880 }),
      breaking("limits.folders_max_items", "new limit"),
    ]);
  });

  it("a rate-limit window that allows fewer calls, lasts longer, or is new", () => {
    const changes = changesAfter((doc) => {
      doc.rate_limits.windows = [
        { name: "minute", seconds: 60, limit: 60 },
        { name: "hour", seconds: 7200, limit: 1000 },
        { name: "day", seconds: 86400, limit: 10000 },
        { name: "second", seconds: 1, limit: 10 },
      ];
    });
    expect(changes).toEqual([
      breaking("rate_limits.windows.minute.limit", "lowered", { before: 100, after: 60 }),
      breaking("rate_limits.windows.hour.seconds", "lengthened", { before: 3600, after: 7200 }),
      breaking("rate_limits.windows.second", "new window"),
    ]);
  });

  it("a lowered plan quota, and an unlimited one that gets a limit", () => {
    const changes = changesAfter((doc) => {
      entry(doc.plans, "free").sends_per_day = 100;
      entry(doc.plans, "pro").calls_per_month = 100000;
    });
    expect(changes).toEqual([
      breaking("plans.free.sends_per_day", "lowered", { before: 200, after: 100 }),
      breaking("plans.pro.calls_per_month", "lowered", { before: null, after: 100000 }),
    ]);
  });

  it("a negotiated quota that becomes a number, which cannot be ordered", () => {
    expect(changesAfter((doc) => (entry(doc.plans, "enterprise").sends_per_day = 50000))).toEqual([
      breaking("plans.enterprise.sends_per_day", "changed", { before: "custom", after: 50000 }),
    ]);
  });

  it("a changed quota period", () => {
    expect(changesAfter((doc) => (entry(doc.quotas, "sends_per_day").period = "rolling 24 hours"))).toEqual([
      breaking("quotas.sends_per_day.period", "changed", { before: "UTC calendar day", after: "rolling 24 hours" }),
    ]);
  });

  it("a removed folder or portable search term", () => {
    const changes = changesAfter((doc) => {
      delete doc.folders.DRAFTS;
      doc.search.portable_terms = doc.search.portable_terms.filter((term) => term.form !== "has:attachment");
    });
    expect(changes).toEqual([
      breaking("folders.DRAFTS", "folder removed"),
      breaking("search.portable_terms", "portable term removed: has:attachment"),
    ]);
  });

  it("a changed rule for combining portable search terms: a rewording cannot be told from a new meaning", () => {
    const combining =
      "Terms are separated by spaces and any may hold; a leading `-` negates a term. Values with spaces are quoted.";
    expect(changesAfter((doc) => (doc.search.combining = combining))).toEqual([
      breaking("search.combining", "how portable terms combine changed", {
        before: SPEC.search.combining,
        after: combining,
      }),
    ]);
  });

  it("a changed format pattern, reported once at the format", () => {
    expect(changesAfter((doc) => (entry(doc.formats, "uuid").pattern = "^[0-9a-f-]{36}$"))).toEqual([
      breaking("formats.uuid.pattern", "changed", {
        before: "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
        after: "^[0-9a-f-]{36}$",
      }),
    ]);
  });
});

describe("non-breaking changes", () => {
  it("a new tool", () => {
    expect(changesAfter((doc) => (doc.tools.list_drafts = structuredClone(tool(doc, "list_inbox"))))).toEqual([
      compatible("tools.list_drafts", "new tool"),
    ]);
  });

  it("a new limit named after a new tool: it bounds only calls that could not be made before", () => {
    const changes = changesAfter((doc) => {
      doc.tools.list_drafts = structuredClone(tool(doc, "list_inbox"));
      doc.limits.list_drafts_max_items = 100;
    });
    expect(changes).toEqual([
      compatible("limits.list_drafts_max_items", "new limit of a new tool"),
      compatible("tools.list_drafts", "new tool"),
    ]);
  });

  it("an input enum opened to strings within bounds that every old value fits", () => {
    const changes = changesAfter((doc) => {
      const format = inputParam(doc, "read_email", "body_format");
      delete format.enum;
      format.min_length = 4;
      format.max_length = 8;
    });
    expect(changes).toEqual([
      compatible("tools.read_email.input.body_format.enum", "input enum removed", {
        before: ["text", "markdown"],
        after: undefined,
      }),
    ]);
  });

  it("a new scope in an error field's enum that only new tools need: no client of the older spec meets it", () => {
    const changes = changesAfter((doc) => {
      doc.scopes["label:email"] = { description: "Label messages." };
      doc.tools.list_labels = { ...structuredClone(tool(doc, "list_folders")), scope: "label:email" };
      doc.tools.label_email = { ...structuredClone(tool(doc, "delete_draft")), scope: "label:email" };
      entry(executionError(doc, "scope_denied").fields, "requiredScope").enum?.push("label:email");
    });
    expect(changes).toEqual([
      compatible("scopes.label:email", "new scope"),
      compatible("tools.list_labels", "new tool"),
      compatible("tools.label_email", "new tool"),
      compatible(
        "errors.execution.scope_denied.fields.requiredScope.enum",
        "output enum value added: label:email (a new scope only new tools need)",
        {
          before: ["read:email", "send:email", "draft:email"],
          after: ["read:email", "send:email", "draft:email", "label:email"],
        },
      ),
    ]);
  });

  it("a new optional input parameter", () => {
    const changes = changesAfter((doc) => {
      const input = tool(doc, "list_inbox").input;
      input.properties = { ...input.properties, has_attachments: { type: "boolean" } };
    });
    expect(changes).toEqual([compatible("tools.list_inbox.input.has_attachments", "new optional input parameter")]);
  });

  it("a required input parameter that becomes optional", () => {
    expect(changesAfter((doc) => (tool(doc, "send_email").input.required = ["inbox_id", "to", "body"]))).toEqual([
      compatible("tools.send_email.input.subject", "input parameter became optional", {
        before: "required",
        after: "optional",
      }),
    ]);
  });

  it("loosened input bounds and a new input enum value", () => {
    const changes = changesAfter((doc) => {
      inputParam(doc, "search_emails", "limit").maximum = 500;
      delete inputParam(doc, "send_email", "to").min_items;
      inputParam(doc, "read_email", "body_format").enum?.push("html");
    });
    expect(changes).toEqual([
      compatible("tools.read_email.input.body_format.enum", "input enum value added: html", {
        before: ["text", "markdown"],
        after: ["text", "markdown", "html"],
      }),
      compatible("tools.search_emails.input.limit.maximum", "input bound loosened", { before: 100, after: 500 }),
      compatible("tools.send_email.input.to.min_items", "input bound loosened", { before: 1, after: undefined }),
    ]);
  });

  it("a new output field", () => {
    const changes = changesAfter((doc) => {
      const output = tool(doc, "search_emails").output;
      output.properties = { ...output.properties, took_ms: { type: "integer", minimum: 0 } };
      output.required = [...(output.required ?? []), "took_ms"];
    });
    expect(changes).toEqual([compatible("tools.search_emails.output.took_ms", "new output field")]);
  });

  it("a tightened output bound", () => {
    expect(changesAfter((doc) => (outputField(doc, "list_inbox", "next_offset").maximum = 10000))).toEqual([
      compatible("tools.list_inbox.output.next_offset.maximum", "output bound tightened", {
        before: 10100,
        after: 10000,
      }),
    ]);
  });

  it("new error codes, and a tool that lists one more", () => {
    const changes = changesAfter((doc) => {
      doc.errors.execution.mailbox_full = {
        when: "The inbox is over its provider quota.",
        message: "Inbox {inbox_id} is full.",
        retryable: false,
        guidance: "Free some space.",
      };
      doc.errors.protocol.server_busy = {
        message: "Server busy",
        code: -32004,
        http_status: 503,
        when: "Overloaded.",
        retryable: true,
        guidance: "Retry later.",
      };
      tool(doc, "send_email").errors.push("mailbox_full");
    });
    expect(changes).toEqual([
      compatible("tools.send_email.errors", "error code added: mailbox_full"),
      compatible("errors.protocol.server_busy", "new protocol error"),
      compatible("errors.execution.mailbox_full", "new execution error"),
    ]);
  });

  it("a description changed inside a named type, reported wherever the type is used", () => {
    expect(
      changesAfter((doc) => (namedType(doc, "inbox_id").description = "UUID of a connected inbox.")).map((c) => [
        c.path,
        c.breaking,
      ]),
    ).toEqual([
      ["tools.list_inbox.input.inbox_id.description", false],
      ["tools.read_email.input.inbox_id.description", false],
      ["tools.search_emails.input.inbox_id.description", false],
      ["tools.send_email.input.inbox_id.description", false],
      ["tools.reply_to_email.input.inbox_id.description", false],
      ["tools.list_folders.input.inbox_id.description", false],
      ["tools.get_thread.input.inbox_id.description", false],
      ["tools.get_attachment.input.inbox_id.description", false],
      ["tools.create_draft.input.inbox_id.description", false],
      ["tools.update_draft.input.inbox_id.description", false],
      ["tools.delete_draft.input.inbox_id.description", false],
      ["tools.send_draft.input.inbox_id.description", false],
      ["tools.get_send_status.input.inbox_id.description", false],
    ]);
  });

  it("tool descriptions, error wording, decisions and examples", () => {
    const changes = changesAfter((doc) => {
      tool(doc, "read_email").description = "Fetch one email.";
      executionError(doc, "auth_failed").guidance = "A person must reconnect the inbox.";
      item(doc.decisions, 0).decision = "Revised.";
      item(tool(doc, "list_inbox").examples, 1).name = "An unknown inbox";
    });
    expect(changes).toEqual([
      compatible("tools.list_inbox.examples", "example removed: An inbox the key cannot see"),
      compatible("tools.list_inbox.examples", "example added: An unknown inbox"),
      compatible("tools.read_email.description", "text changed", {
        before: SPEC.tools.read_email?.description,
        after: "Fetch one email.",
      }),
      compatible("errors.execution.auth_failed.guidance", "text changed", {
        before: "Never retry; a person must reconnect the inbox.",
        after: "A person must reconnect the inbox.",
      }),
      compatible("decisions.mcp-revision.decision", "text changed", {
        before: SPEC.decisions[0]?.decision,
        after: "Revised.",
      }),
    ]);
  });

  it("a reworded protocol error message: clients act on the code, not the wording", () => {
    expect(changesAfter((doc) => (protocolError(doc, "parse_error").message = "The body is not JSON"))).toEqual([
      compatible("errors.protocol.parse_error.message", "text changed", {
        before: "Parse error",
        after: "The body is not JSON",
      }),
    ]);
  });

  it("more room: a raised limit, plan quota and window, a new scope and protocol revision", () => {
    const changes = changesAfter((doc) => {
      doc.transport.protocol_revisions = ["2026-06-01", ...doc.transport.protocol_revisions];
      doc.scopes["admin:email"] = { description: "Manage inboxes." };
      entry(doc.plans, "free").calls_per_month = 1000;
      doc.rate_limits.windows = doc.rate_limits.windows.filter((w) => w.name !== "day");
      doc.limits.search_timeout_seconds = 60;
    });
    expect(changes).toEqual([
      compatible("transport.protocol_revisions", "protocol revision added: 2026-06-01"),
      compatible("scopes.admin:email", "new scope"),
      compatible("plans.free.calls_per_month", "raised", { before: 100, after: 1000 }),
      compatible("rate_limits.windows.day", "window removed"),
      compatible("limits.search_timeout_seconds", "raised", { before: 30, after: 60 }),
    ]);
  });
});

describe("completeness", () => {
  it("reports an edit to any value anywhere in the spec", () => {
    const unreported: string[] = [];
    for (const path of leafPaths(SPEC)) {
      // Renaming a type keyword or a type reference leaves a spec the schema IR cannot build.
      if (["ref", "extends", "type"].includes(String(path.at(-1)))) continue;
      const after = structuredClone(SPEC);
      changeLeaf(after, path);
      if (diffSpecs(SPEC, after).length === 0) unreported.push(path.join("."));
    }
    expect(unreported).toEqual([]);
  });
});

type Path = (string | number)[];

function leafPaths(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leafPaths(item, [...path, i]));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...path, key]));
  return [path];
}

function changeLeaf(root: unknown, path: Path): void {
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const key = path.at(-1) as string | number;
  const value = parent[key];
  parent[key] =
    typeof value === "string"
      ? `${value}x`
      : typeof value === "number"
        ? value + 1
        : typeof value === "boolean"
          ? !value
          : 0;
}
