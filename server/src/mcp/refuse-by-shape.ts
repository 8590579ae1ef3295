// What a body whose shape is out of bounds gets, before it is parsed (spec transport.max_batch_length
// and transport.max_json_depth, decision request-bounds).
import { invalidParams, invalidRequest, PROTOCOL_ERRORS, TRANSPORT } from "@mcpemails/generated";
import type { BodyShape } from "./body-shape.js";
import { errorResponse, type JsonRpcResponse } from "./jsonrpc.js";

export interface Refusal {
  status: number;
  response: JsonRpcResponse;
}

export function refuseByShape(shape: BodyShape): Refusal | undefined {
  const depth = TRANSPORT.max_json_depth;
  switch (shape.kind) {
    case "ok":
      return undefined;
    case "batch-too-long":
      return invalidRequestRefusal(
        `Invalid Request: a batch may hold at most ${TRANSPORT.max_batch_length} elements; this one holds more. Send it in smaller batches.`,
      );
    case "too-deep":
      if (shape.argument !== undefined) {
        const message = `Invalid params: argument "${shape.argument}" nests deeper than the ${depth} levels a request may have.`;
        return {
          status: PROTOCOL_ERRORS.invalid_params.httpStatus,
          response: errorResponse(
            shape.id,
            invalidParams(message, { parameter: shape.argument, rule: "max_depth", message }),
          ),
        };
      }
      return invalidRequestRefusal(
        `Invalid Request: the ${shape.inBatch ? "batch" : "request"} nests JSON deeper than ${depth} levels.`,
      );
  }
}

function invalidRequestRefusal(message: string): Refusal {
  return { status: PROTOCOL_ERRORS.invalid_request.httpStatus, response: errorResponse(null, invalidRequest(message)) };
}
