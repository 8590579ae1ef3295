// Where $skip lands in a message collection. Graph's $skip counts the items of the mailbox's store it
// passes, not the messages it returns: the store holds items Graph does not show as messages, and
// "the odata:nextLink is meant to be opaque to developers and the reason in this case it is returning
// 7 rather than what you may expect as 5 is because of the underlying message store. There are objects
// in our back end that are not message objects we return such as the folder object etc." (Microsoft,
// https://github.com/microsoftgraph/microsoft-graph-docs/issues/5029; also #7569, where $top=100 pages
// come with nextLinks of $skip=190 and then 234). So a client must follow the nextLink, whose $skip
// Graph computed, and not compute one: "Do not try to extract the $skiptoken or $skip value and use
// it in a different request" (https://learn.microsoft.com/graph/paging). The fake puts one such item
// after every `every` messages of any collection, in its order.

/** The store position of the index-th message of a collection with a hidden item after every `every` messages. */
function positionOf(index: number, every: number): number {
  return every > 0 ? index + Math.floor(index / every) : index;
}

/**
 * The page of `top` messages from store position `skip`, and the $skip of the nextLink (the position
 * just past the last message returned), undefined when none is left.
 */
export function pageAtStorePosition<T>(
  messages: readonly T[],
  skip: number,
  top: number,
  every: number,
): { page: T[]; nextSkip: number | undefined } {
  let first = 0;
  while (first < messages.length && positionOf(first, every) < skip) first++;
  const page = messages.slice(first, first + top);
  const last = first + page.length;
  return { page, nextSkip: last < messages.length ? positionOf(last - 1, every) + 1 : undefined };
}
