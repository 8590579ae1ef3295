// The portable subset in Graph's two query languages. $search (KQL) can say everything but
// "unread"; $filter can say unread, attachments and dates but cannot look at To/Cc, words or
// phrases (Graph refuses $filter on recipients). Graph accepts one or the other on messages, never
// both. A query goes to KQL unless it asks for is:unread; then to $filter if every term fits it;
// else, when the read state only narrows the query (is:unread or -is:unread as a term that must
// hold), to KQL for the rest with the read state checked on each result (isRead comes with it).
// A mix none of these can answer is a ParameterError naming the term.
import type { QueryNode } from "@mcpemails/generated";
import { ParameterError } from "../provider.js";

export type GraphQuery =
  | { kind: "search"; search: string }
  | { kind: "filter"; filter: string }
  /** A $search whose results count only when their read state is this one. */
  | { kind: "search-keeping-read-state"; search: string; unread: boolean };

/** Graph orders by receivedDateTime only if the filter names it first (else InefficientFilter): a condition every message meets. */
export const ORDERABLE_FILTER_PREFIX = "receivedDateTime ge 1900-01-01T00:00:00Z";

export function portableToGraph(query: QueryNode): GraphQuery {
  if (!mentions(query, "is_unread")) return { kind: "search", search: quoteSearch(toKql(query)) };
  const unfilterable = firstUnfilterable(query);
  if (unfilterable === undefined) return { kind: "filter", filter: toFilter(query) };
  // A query holds for unread messages as it does with is:unread made true, for read ones with it
  // made false; when one of the two can never hold, the other is one $search.
  const ifUnread = withReadState(query, true);
  const ifRead = withReadState(query, false);
  if (ifRead === false && typeof ifUnread !== "boolean")
    return { kind: "search-keeping-read-state", search: quoteSearch(toKql(ifUnread)), unread: true };
  if (ifUnread === false && typeof ifRead !== "boolean")
    return { kind: "search-keeping-read-state", search: quoteSearch(toKql(ifRead)), unread: false };
  throw new ParameterError(
    "query",
    "query_term",
    `query: "${unfilterable}" cannot be combined with is:unread this way on an Outlook inbox: Graph's $search has no unread condition, and its $filter (which has one) cannot test this term. is:unread (or -is:unread) works next to any terms that must all hold; within OR, only with has:attachment, after: and before:.`,
  );
}

/** The query with is:unread replaced by a truth value, simplified: true or false when that decides it. */
function withReadState(node: QueryNode, unread: boolean): QueryNode | boolean {
  switch (node.type) {
    case "is_unread":
      return unread;
    case "not": {
      const operand = withReadState(node.operand, unread);
      return typeof operand === "boolean" ? !operand : { ...node, operand };
    }
    case "and":
    case "or": {
      // In an AND a false term decides and a true one drops out; in an OR the other way round.
      const decisive = node.type === "or";
      const terms: QueryNode[] = [];
      for (const term of node.terms) {
        const value = withReadState(term, unread);
        if (value === decisive) return decisive;
        if (typeof value !== "boolean") terms.push(value);
      }
      if (terms.length === 0) return !decisive;
      return terms.length === 1 ? (terms[0] as QueryNode) : { type: node.type, terms };
    }
    default:
      return node;
  }
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
  if (value.includes('"'))
    throw new ParameterError(
      "query",
      "query_term",
      `query: "${term}" contains a double quote, which Outlook's search (KQL) cannot match.`,
    );
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
