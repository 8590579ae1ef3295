// The portable search subset in Graph's two query languages. $search (KQL) can say everything but
// "unread"; $filter can say unread, attachments and dates but cannot look at To/Cc, words or
// phrases (Graph refuses $filter on recipients). Graph accepts one or the other on messages, never
// both, so a query goes to KQL unless it asks for is:unread, then to $filter if every term fits it;
// a term neither can honour together with the rest is a ParameterError naming it.
import type { QueryNode } from "@mcpemails/generated";
import { ParameterError } from "../provider.js";

export type GraphQuery = { kind: "search"; search: string } | { kind: "filter"; filter: string };

/** Graph orders by receivedDateTime only if the filter names it first (else InefficientFilter): a condition every message meets. */
export const ORDERABLE_FILTER_PREFIX = "receivedDateTime ge 1900-01-01T00:00:00Z";

export function portableToGraph(query: QueryNode): GraphQuery {
  if (!mentions(query, "is_unread")) return { kind: "search", search: quoteSearch(toKql(query)) };
  const unfilterable = firstUnfilterable(query);
  if (unfilterable !== undefined) {
    throw new ParameterError(
      "query",
      "query_term",
      `query: "${unfilterable}" cannot be combined with is:unread on an Outlook inbox: Graph's $search has no unread condition, and its $filter (which has one) cannot test this term. Search without is:unread, or with only is:unread, has:attachment, after: and before:.`,
    );
  }
  return { kind: "filter", filter: toFilter(query) };
}

/** A native KQL query as $search takes it: in double quotes, inner quotes and backslashes escaped. */
export function quoteSearch(kql: string): string {
  return `"${kql.replace(/["\\]/gu, (c) => `\\${c}`)}"`;
}

function mentions(node: QueryNode, type: QueryNode["type"]): boolean {
  if (node.type === type) return true;
  if (node.type === "and" || node.type === "or") return node.terms.some((term) => mentions(term, type));
  if (node.type === "not") return mentions(node.operand, type);
  return false;
}

function firstUnfilterable(node: QueryNode): string | undefined {
  switch (node.type) {
    case "and":
    case "or":
      return node.terms.map(firstUnfilterable).find((term) => term !== undefined);
    case "not":
      return firstUnfilterable(node.operand);
    case "is_unread":
    case "has_attachment":
    case "after":
    case "before":
      return undefined;
    default:
      return node.term;
  }
}

function kqlValue(term: string, value: string): string {
  if (value.includes('"')) throw new ParameterError("query", "query_term", `query: "${term}" contains a double quote, which Outlook's search (KQL) cannot match.`);
  return `"${value}"`;
}

function toKql(node: QueryNode): string {
  switch (node.type) {
    case "and":
      return node.terms.map((term) => `(${toKql(term)})`).join(" AND ");
    case "or":
      return node.terms.map((term) => `(${toKql(term)})`).join(" OR ");
    case "not":
      return `NOT (${toKql(node.operand)})`;
    case "from":
      return `from:${kqlValue(node.term, node.value)}`;
    case "to":
      return `to:${kqlValue(node.term, node.value)} OR cc:${kqlValue(node.term, node.value)}`;
    case "subject":
      return `subject:${kqlValue(node.term, node.value)}`;
    case "after":
      return `sent>=${node.day}`;
    case "before":
      return `sent<${node.day}`;
    case "has_attachment":
      return "hasattachment:true";
    case "word":
    case "phrase":
      return `subject:${kqlValue(node.term, node.value)} OR body:${kqlValue(node.term, node.value)}`;
    case "is_unread":
      throw new Error("is:unread has no KQL form");
  }
}

function toFilter(node: QueryNode): string {
  switch (node.type) {
    case "and":
      return node.terms.map((term) => `(${toFilter(term)})`).join(" and ");
    case "or":
      return node.terms.map((term) => `(${toFilter(term)})`).join(" or ");
    case "not":
      return `not (${toFilter(node.operand)})`;
    case "is_unread":
      return "isRead eq false";
    case "has_attachment":
      return "hasAttachments eq true";
    case "after":
      return `sentDateTime ge ${node.day}T00:00:00Z`;
    case "before":
      return `sentDateTime lt ${node.day}T00:00:00Z`;
    default:
      throw new Error(`${node.type} has no $filter form`);
  }
}
