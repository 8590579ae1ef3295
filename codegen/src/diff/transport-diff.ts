// How clients reach and authenticate to the server: transport, API keys and scopes.
import type { SpecDocument } from "../spec/model.js";
import { breakingChange, compatibleChange, makeChange, type SpecChange } from "./change.js";
import { diffCeiling, diffKeyed, diffMembers, diffText, diffValue } from "./compare.js";

export function diffTransport(before: SpecDocument, after: SpecDocument): SpecChange[] {
  const b = before.transport;
  const a = after.transport;
  return [
    ...diffValue("transport.endpoint", b.endpoint, a.endpoint, true),
    ...diffValue("transport.http_method", b.http_method, a.http_method, true),
    ...diffValue("transport.kind", b.kind, a.kind, true),
    ...diffMembers("transport.protocol_revisions", "protocol revision", b.protocol_revisions, a.protocol_revisions, {
      removal: true,
      addition: false,
    }),
    ...diffMembers("transport.jsonrpc_methods", "JSON-RPC method", b.jsonrpc_methods, a.jsonrpc_methods, {
      removal: true,
      addition: false,
    }),
    ...diffStateless(b.stateless, a.stateless),
    ...diffValue("transport.auth.header", b.auth.header, a.auth.header, true),
    ...diffValue("transport.auth.scheme", b.auth.scheme, a.auth.scheme, true),
    // MCP clients parse WWW-Authenticate to discover how to authenticate.
    ...diffValue("transport.auth.www_authenticate", b.auth.www_authenticate, a.auth.www_authenticate, true),
    ...diffCeiling("transport.max_body_bytes", b.max_body_bytes, a.max_body_bytes),
    ...diffCeiling("transport.max_batch_length", b.max_batch_length, a.max_batch_length),
    ...diffCeiling("transport.max_json_depth", b.max_json_depth, a.max_json_depth),
    ...diffCeiling("transport.max_response_bytes", b.max_response_bytes, a.max_response_bytes),
  ];
}

type Stateless = SpecDocument["transport"]["stateless"];

/** Serving a stateless revision is an addition; dropping one, or changing its envelope, breaks its clients. */
function diffStateless(b: Stateless, a: Stateless): SpecChange[] {
  const path = "transport.stateless";
  if (b === undefined || a === undefined) {
    if (b === a) return [];
    return [
      makeChange(
        path,
        b !== undefined,
        b === undefined ? "stateless revisions served" : "stateless revisions no longer served",
      ),
    ];
  }
  return [
    ...diffMembers(`${path}.revisions`, "stateless revision", b.revisions, a.revisions, {
      removal: true,
      addition: false,
    }),
    ...diffMembers(`${path}.jsonrpc_methods`, "JSON-RPC method", b.jsonrpc_methods, a.jsonrpc_methods, {
      removal: true,
      addition: false,
    }),
    ...(["protocol_version", "client_capabilities", "client_info", "server_info"] as const).flatMap((key) =>
      diffValue(`${path}.meta.${key}`, b.meta[key], a.meta[key], true),
    ),
    ...(["protocol_version", "method", "name"] as const).flatMap((key) =>
      diffValue(`${path}.headers.${key}`, b.headers[key], a.headers[key], true),
    ),
    // A shorter time to live or a narrower scope only makes clients fetch again.
    ...diffValue(`${path}.cache.ttl_ms`, b.cache.ttl_ms, a.cache.ttl_ms, false),
    ...diffValue(`${path}.cache.scope`, b.cache.scope, a.cache.scope, a.cache.scope === "public"),
    ...diffValue(
      `${path}.unknown_method_http_status`,
      b.unknown_method_http_status,
      a.unknown_method_http_status,
      true,
    ),
  ];
}

export function diffApiKeys(before: SpecDocument, after: SpecDocument): SpecChange[] {
  const b = before.api_keys;
  const a = after.api_keys;
  return [
    // Regular expressions cannot be ordered, and keys already issued must keep matching.
    ...diffValue("api_keys.pattern", b.pattern, a.pattern, true),
    ...diffValue("api_keys.secret_length", b.secret_length, a.secret_length, true),
    ...diffKeyed(b.modes, a.modes, {
      removed: (mode) => [breakingChange(`api_keys.modes.${mode}`, "key mode removed")],
      added: (mode) => [compatibleChange(`api_keys.modes.${mode}`, "new key mode")],
      kept: (mode, bMode, aMode) => [
        ...diffValue(`api_keys.modes.${mode}.prefix`, bMode.prefix, aMode.prefix, true),
        ...diffText(`api_keys.modes.${mode}.description`, bMode.description, aMode.description),
      ],
    }),
    ...diffText("api_keys.storage", b.storage, a.storage),
  ];
}

export function diffScopes(before: SpecDocument, after: SpecDocument): SpecChange[] {
  return diffKeyed(before.scopes, after.scopes, {
    removed: (scope) => [breakingChange(`scopes.${scope}`, "scope removed")],
    added: (scope) => [compatibleChange(`scopes.${scope}`, "new scope")],
    kept: (scope, b, a) => diffText(`scopes.${scope}.description`, b.description, a.description),
  });
}
