// The shape of generated/conformance/cases.json, emitted into generated/ like the other runtime
// files, so that the generator that writes the cases and the runner that reads them share one type.

export type CaseExpectation =
  | { outcome: "valid" }
  | { outcome: "invalid_params"; parameter: string; rule: string }
  | { outcome: "execution_error"; errorCode: string; parameter?: string };

export interface ConformanceCase {
  id: string;
  tool: string;
  /** Path of the parameter under test, such as "attachments[0].filename". */
  parameter: string;
  constraint: string;
  description: string;
  arguments: Record<string, unknown>;
  /** Parameters whose value the runner replaces with an id it owns: "inbox" or "message". */
  placeholders: Record<string, string>;
  /** read: changes nothing; write: changes the inbox (drafts, read state), sends nothing; send: sends mail. */
  effects: "read" | "write" | "send";
  expect: CaseExpectation;
}

export interface ConformanceCaseFile {
  specVersion: string;
  specSha256: string;
  largeValueDescriptors: Record<string, string>;
  cases: ConformanceCase[];
}
