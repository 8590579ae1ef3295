// What a collection window learnt, as the evidence of the one page arithmetic (core/page-fields.ts):
// Graph's @odata.count when the request asked for it ($count=true) and nothing fetched was left out,
// else the kept messages counted up to the end of the collection when the walk reached it, else
// only that there may be more.
import { pageFields, type PageFields } from "../core/page-fields.js";
import type { CollectionWindow } from "./collection-window.js";

export function windowPage(window: CollectionWindow, offset: number): PageFields {
  const returned = window.messages.length;
  // The walk reached the end of the collection: every kept message up to it is counted.
  if (window.exhausted) return pageFields({ offset, returned, count: window.keptThrough });
  if (window.count !== undefined && window.dropped === 0) return pageFields({ offset, returned, count: window.count });
  return pageFields({
    offset,
    returned,
    more: true,
    ...(window.count === undefined ? {} : { estimate: window.count - window.dropped }),
  });
}
