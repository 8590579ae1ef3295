// One page arithmetic for every listing and search: next_offset, total and total_is_estimate from
// what the provider learnt while fetching the page (the spec's decision "pagination").
import type { ListInboxOutput } from "@mcpemails/generated";

export type PageFields = Pick<ListInboxOutput, "next_offset" | "total" | "total_is_estimate">;

export interface PageEvidence {
  offset: number;
  /** Messages on this page. */
  returned: number;
  /** How many messages match, when the service counted them exactly. */
  count?: number | undefined;
  /** Without a count: whether the service holds more beyond this page. */
  more?: boolean | undefined;
  /** Without a count: the service's own estimate (Gmail's resultSizeEstimate). */
  estimate?: number | undefined;
}

export function pageFields(page: PageEvidence): PageFields {
  const end = page.offset + page.returned;
  if (page.count !== undefined)
    return {
      next_offset: end < page.count && page.returned > 0 ? end : null,
      total: page.count,
      total_is_estimate: false,
    };
  // An empty page ends the walk: offering its own offset again would never move on.
  const more = page.more === true && page.returned > 0;
  // A walk that reached the end counted everything before it, unless it began past the end.
  if (!more && (page.returned > 0 || page.offset === 0))
    return { next_offset: null, total: end, total_is_estimate: false };
  const estimate = page.estimate === undefined ? null : Math.max(page.estimate, end);
  return { next_offset: more ? end : null, total: estimate, total_is_estimate: estimate !== null };
}
