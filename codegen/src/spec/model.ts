// The shape of spec/mcpemails.yaml itself. Every object is strict so that a misspelt key is an
// error with its position, never a silently ignored line.
import { z } from "zod";

const text = z.string().min(1);
const identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be snake_case");
const safeInt = z.int();

/** A schema in the spec's JSON Schema subset. Recursive, so declared through an interface. */
export interface SpecSchema {
  type?: "string" | "integer" | "boolean" | "array" | "object";
  ref?: string;
  extends?: string;
  description?: string;
  nullable?: boolean;
  default?: unknown;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  min_length?: number;
  max_length?: number;
  pattern?: string;
  format?: string;
  min_items?: number;
  max_items?: number;
  items?: SpecSchema;
  properties?: Record<string, SpecSchema>;
  required?: string[];
}

export const specSchema: z.ZodType<SpecSchema> = z.lazy(() =>
  z.strictObject({
    type: z.enum(["string", "integer", "boolean", "array", "object"]).optional(),
    ref: identifier.optional(),
    extends: identifier.optional(),
    description: text.optional(),
    nullable: z.boolean().optional(),
    default: z.unknown().optional(),
    enum: z.array(z.string()).min(1).optional(),
    minimum: safeInt.optional(),
    maximum: safeInt.optional(),
    min_length: safeInt.min(0).optional(),
    max_length: safeInt.min(0).optional(),
    pattern: text.optional(),
    format: text.optional(),
    min_items: safeInt.min(0).optional(),
    max_items: safeInt.min(0).optional(),
    items: specSchema.optional(),
    properties: z.record(identifier, specSchema).optional(),
    required: z.array(identifier).optional(),
  }),
);

const fieldSchema = z.lazy(() =>
  z.strictObject({
    type: z.enum(["string", "integer", "array", "object"]),
    description: text.optional(),
    /** Of an array field: its elements, strings or integers. */
    items: z.strictObject({ type: z.enum(["string", "integer"]) }).optional(),
    enum: z.array(z.string()).min(1).optional(),
    minimum: safeInt.optional(),
    maximum: safeInt.optional(),
    format: text.optional(),
    optional: z.boolean().optional(),
  }),
);
export type ErrorField = z.infer<typeof fieldSchema>;

const exampleSchema = z.strictObject({
  name: text,
  note: text.optional(),
  request: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z
    .union([
      z.strictObject({
        errorCode: identifier,
        text: text,
        fields: z.record(z.string(), z.unknown()).optional(),
      }),
      z.strictObject({
        code: safeInt,
        data: z.record(z.string(), z.unknown()).optional(),
      }),
    ])
    .optional(),
});
export type SpecExample = z.infer<typeof exampleSchema>;

const toolSchema = z.strictObject({
  title: text,
  scope: text,
  annotations: z.strictObject({
    readOnlyHint: z.boolean(),
    destructiveHint: z.boolean(),
    idempotentHint: z.boolean(),
    openWorldHint: z.boolean(),
  }),
  description: text,
  input: specSchema,
  output: specSchema,
  errors: z.array(identifier).min(1),
  examples: z.array(exampleSchema).min(2),
});
export type SpecTool = z.infer<typeof toolSchema>;

const protocolErrorSchema = z.strictObject({
  /** The JSON-RPC error message, where the call has nothing more precise to say. */
  message: text,
  code: safeInt,
  http_status: safeInt.min(100).max(599),
  when: text,
  retryable: z.boolean(),
  guidance: text,
  data: z.record(z.string(), fieldSchema).optional(),
});
export type SpecProtocolError = z.infer<typeof protocolErrorSchema>;

const executionErrorSchema = z.strictObject({
  when: text,
  message: text,
  retryable: z.boolean(),
  not_retryable_for: z.array(identifier).optional(),
  guidance: text,
  fields: z.record(z.string().regex(/^[a-z][A-Za-z]*$/, "must be camelCase"), fieldSchema).optional(),
});
export type SpecExecutionError = z.infer<typeof executionErrorSchema>;

export const specDocumentSchema = z.strictObject({
  spec_version: z.string().regex(/^\d+\.\d+\.\d+$/, "must be a semantic version such as 1.0.0"),
  info: z.strictObject({ title: text, summary: text }),
  transport: z.strictObject({
    endpoint: z.string().startsWith("/"),
    http_method: z.literal("POST"),
    kind: z.literal("streamable-http"),
    protocol_revisions: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).min(1),
    jsonrpc_methods: z.array(text).min(1),
    stateless: z
      .strictObject({
        revisions: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).min(1),
        jsonrpc_methods: z.array(text).min(1),
        meta: z.strictObject({
          protocol_version: text,
          client_capabilities: text,
          client_info: text,
          server_info: text,
        }),
        headers: z.strictObject({ protocol_version: text, method: text, name: text }),
        cache: z.strictObject({ ttl_ms: safeInt.min(0), scope: z.enum(["public", "private"]) }),
        unknown_method_http_status: safeInt.min(400).max(499),
      })
      /** Absent in specs before 2026-07-28 was served (1.0.0), so that spec:diff can read them. */
      .optional(),
    auth: z.strictObject({ header: text, scheme: text, www_authenticate: text }),
    max_body_bytes: safeInt.min(1),
    max_batch_length: safeInt.min(1),
    max_json_depth: safeInt.min(2),
    max_response_bytes: safeInt.min(1),
  }),
  api_keys: z.strictObject({
    pattern: text,
    secret_length: safeInt.min(16),
    modes: z.record(identifier, z.strictObject({ prefix: text, description: text })),
    storage: text,
  }),
  scopes: z.record(
    z.string().regex(/^[a-z]+:[a-z]+$/, "must look like verb:noun"),
    z.strictObject({ description: text }),
  ),
  plans: z.record(
    identifier,
    z.strictObject({
      title: text,
      calls_per_month: safeInt.min(0).nullable(),
      sends_per_day: z.union([safeInt.min(0), z.literal("custom")]),
    }),
  ),
  quotas: z.record(identifier, z.strictObject({ applies_to: text, counted_per: text, period: text })),
  rate_limits: z.strictObject({
    counted_per: text,
    algorithm: text,
    counts: text,
    retry_after: text,
    windows: z.array(z.strictObject({ name: identifier, seconds: safeInt.min(1), limit: safeInt.min(1) })).min(1),
  }),
  limits: z.record(identifier, safeInt.min(0)),
  formats: z.record(
    z.string().regex(/^[a-z][a-z0-9-]*$/),
    z.strictObject({
      checked_by: text,
      json_schema_format: text.optional(),
      pattern: text.optional(),
      description: text,
    }),
  ),
  folders: z.record(z.string().regex(/^[A-Z]+$/), z.strictObject({ description: text })),
  search: z.strictObject({
    syntaxes: z.record(identifier, text),
    combining: text,
    portable_terms: z.array(z.strictObject({ form: text, matches: text })).min(1),
  }),
  types: z.record(identifier, specSchema),
  tools: z.record(identifier, toolSchema),
  errors: z.strictObject({
    protocol: z.record(identifier, protocolErrorSchema),
    execution: z.record(identifier, executionErrorSchema),
  }),
  decisions: z
    .array(z.strictObject({ id: z.string().regex(/^[a-z0-9-]+$/), topic: text, seed: text, decision: text }))
    .min(1),
});

export type SpecDocument = z.infer<typeof specDocumentSchema>;
