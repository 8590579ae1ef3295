// The error catalogue: protocol errors (JSON-RPC codes) and execution errors (tool results).
import type { ErrorField, SpecDocument, SpecExecutionError, SpecProtocolError } from "../spec/model.js";
import { buildSchemaModel, toNode, type ObjectNode, type SchemaModel } from "../schema/ir.js";
import { breakingChange, compatibleChange, type SpecChange } from "./change.js";
import { diffKeyed, diffMembers, diffText, diffValue } from "./compare.js";
import { diffSchemas } from "./schema-diff.js";

interface ErrorSide {
  doc: SpecDocument;
  model: SchemaModel;
}

export function diffErrors(before: SpecDocument, after: SpecDocument): SpecChange[] {
  const b: ErrorSide = { doc: before, model: buildSchemaModel(before) };
  const a: ErrorSide = { doc: after, model: buildSchemaModel(after) };
  return [
    ...diffKeyed(before.errors.protocol, after.errors.protocol, {
      removed: (name) => [breakingChange(`errors.protocol.${name}`, "protocol error removed")],
      added: (name) => [compatibleChange(`errors.protocol.${name}`, "new protocol error")],
      kept: (name, bError, aError) => diffProtocolError(`errors.protocol.${name}`, b, bError, a, aError),
    }),
    ...diffKeyed(before.errors.execution, after.errors.execution, {
      removed: (code) => [breakingChange(`errors.execution.${code}`, "execution error removed")],
      added: (code) => [compatibleChange(`errors.execution.${code}`, "new execution error")],
      kept: (code, bError, aError) => diffExecutionError(`errors.execution.${code}`, b, bError, a, aError),
    }).map((change) => scopeOfNewToolsOnly(change, before, after)),
  ];
}

// scope_denied's requiredScope names the scope of the tool called: a value added for a new scope
// that only new tools need reaches no client of the older spec, which cannot call those tools.
function scopeOfNewToolsOnly(change: SpecChange, before: SpecDocument, after: SpecDocument): SpecChange {
  if (!change.breaking || !change.path.endsWith(".enum") || !Array.isArray(change.after)) return change;
  const added = (change.after as unknown[]).filter(
    (value) => !((change.before as unknown[] | undefined) ?? []).includes(value),
  );
  const newScopeOfNewTools = (value: unknown) =>
    typeof value === "string" &&
    value in after.scopes &&
    !(value in before.scopes) &&
    Object.entries(after.tools).every(([tool, spec]) => spec.scope !== value || !(tool in before.tools));
  if (added.length === 0 || !added.every(newScopeOfNewTools)) return change;
  return { ...change, breaking: false, summary: `${change.summary} (a new scope only new tools need)` };
}

function diffProtocolError(
  path: string,
  b: ErrorSide,
  before: SpecProtocolError,
  a: ErrorSide,
  after: SpecProtocolError,
): SpecChange[] {
  return [
    // JSON-RPC clients act on the numeric code (and data), never on the message, which is wording.
    ...diffText(`${path}.message`, before.message, after.message),
    ...diffValue(`${path}.code`, before.code, after.code, true, "numeric code changed"),
    ...diffValue(`${path}.http_status`, before.http_status, after.http_status, true, "HTTP status changed"),
    ...diffText(`${path}.when`, before.when, after.when),
    ...diffRetryable(`${path}.retryable`, before.retryable, after.retryable),
    ...diffText(`${path}.guidance`, before.guidance, after.guidance),
    ...diffFields(`${path}.data`, b, before.data, a, after.data),
  ];
}

function diffExecutionError(
  path: string,
  b: ErrorSide,
  before: SpecExecutionError,
  a: ErrorSide,
  after: SpecExecutionError,
): SpecChange[] {
  return [
    ...diffText(`${path}.when`, before.when, after.when),
    // Clients are told to act on errorCode and the fields, never on the wording.
    ...diffText(`${path}.message`, before.message, after.message),
    ...diffRetryable(`${path}.retryable`, before.retryable, after.retryable),
    ...diffMembers(
      `${path}.not_retryable_for`,
      "no-retry tool",
      before.not_retryable_for ?? [],
      after.not_retryable_for ?? [],
      { removal: true, addition: true },
    ),
    ...diffText(`${path}.guidance`, before.guidance, after.guidance),
    ...diffFields(`${path}.fields`, b, before.fields, a, after.fields),
  ];
}

// Retry advice binds both sides: an error that becomes retryable obliges implementers to make a
// repeated call safe, and one that stops being retryable makes clients that retry it repeat calls
// (sends among them) that they must not.
function diffRetryable(path: string, before: boolean, after: boolean): SpecChange[] {
  return diffValue(path, before, after, true, "retry advice changed");
}

/** An error's fields travel from server to client, so they are compared as an output schema. */
function diffFields(
  path: string,
  b: ErrorSide,
  before: Record<string, ErrorField> | undefined,
  a: ErrorSide,
  after: Record<string, ErrorField> | undefined,
): SpecChange[] {
  return diffSchemas(
    { model: b.model, node: fieldsAsObject(before, b.doc) },
    { model: a.model, node: fieldsAsObject(after, a.doc) },
    path,
    "output",
  );
}

function fieldsAsObject(fields: Record<string, ErrorField> | undefined, doc: SpecDocument): ObjectNode {
  return {
    kind: "object",
    meta: { nullable: false },
    properties: Object.entries(fields ?? {}).map(([name, field]) => ({
      name,
      node: toNode(field, doc),
      required: field.optional !== true,
    })),
  };
}
