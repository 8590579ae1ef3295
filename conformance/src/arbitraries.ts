// @mcpemails/conformance/arbitraries: fast-check arbitraries read off a tool's JSON Schema, for testing
// a validator of your own. A subpath of its own so that the main entry's types need no fast-check;
// fast-check is a peer dependency here, the caller's own copy.
export { invalidValue, validValue, type InvalidValue, type JsonSchemaObject } from "./arbitraries/from-json-schema.js";
