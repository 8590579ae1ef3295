export { invalidValue, validValue, type InvalidValue, type JsonSchemaObject } from "./arbitraries/from-json-schema.js";
