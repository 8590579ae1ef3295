// The page fields of a window of a Graph collection, by what the walk learnt.
import { describe, expect, it } from "vitest";
import type { CollectionWindow } from "./collection-window.js";
import { windowPage } from "./window-page.js";

const window = (fields: Partial<CollectionWindow> & { returned: number; offset: number }): CollectionWindow => ({
  messages: Array.from({ length: fields.returned }, (_, i) => ({ id: String(i) })),
  end: fields.offset + fields.returned,
  exhausted: false,
  keptThrough: fields.offset + fields.returned,
  count: undefined,
  dropped: 0,
  ...fields,
});

describe("windowPage", () => {
  it("gives Graph's count as an exact total while the walk goes on", () => {
    expect(windowPage(window({ offset: 0, returned: 20, count: 30 }), 0)).toEqual({
      next_offset: 20,
      total: 30,
      total_is_estimate: false,
    });
  });

  it("counts the kept messages to the end of the collection once the walk reached it, whatever Graph counted", () => {
    expect(windowPage(window({ offset: 20, returned: 10, count: 31, exhausted: true }), 20)).toEqual({
      next_offset: null,
      total: 30,
      total_is_estimate: false,
    });
    expect(windowPage(window({ offset: 0, returned: 5, exhausted: true, keptThrough: 12 }), 0)).toEqual({
      next_offset: 5,
      total: 12,
      total_is_estimate: false,
    });
  });

  it("says only that there may be more when nothing was counted ($search), and estimates from a count that left some out", () => {
    expect(windowPage(window({ offset: 0, returned: 5 }), 0)).toEqual({
      next_offset: 5,
      total: null,
      total_is_estimate: false,
    });
    expect(windowPage(window({ offset: 0, returned: 5, count: 40, dropped: 3 }), 0)).toEqual({
      next_offset: 5,
      total: 37,
      total_is_estimate: true,
    });
  });

  it("never names an empty page as the next one", () => {
    expect(windowPage(window({ offset: 40, returned: 0 }), 40)).toMatchObject({ next_offset: null });
  });
});
