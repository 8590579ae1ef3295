import { describe, expect, it } from "vitest";
import { pageFields } from "./page-fields.js";

describe("one page arithmetic", () => {
  it("with an exact count: the next page while messages remain, the count as total", () => {
    expect(pageFields({ offset: 0, returned: 20, count: 45 })).toEqual({
      next_offset: 20,
      total: 45,
      total_is_estimate: false,
    });
    expect(pageFields({ offset: 40, returned: 5, count: 45 })).toEqual({
      next_offset: null,
      total: 45,
      total_is_estimate: false,
    });
    expect(pageFields({ offset: 60, returned: 0, count: 45 })).toEqual({
      next_offset: null,
      total: 45,
      total_is_estimate: false,
    });
  });

  it("without a count: the next page when the service has more; the total once the walk reached the end", () => {
    expect(pageFields({ offset: 0, returned: 20, more: true })).toEqual({
      next_offset: 20,
      total: null,
      total_is_estimate: false,
    });
    expect(pageFields({ offset: 20, returned: 7, more: false })).toEqual({
      next_offset: null,
      total: 27,
      total_is_estimate: false,
    });
    expect(pageFields({ offset: 0, returned: 0, more: false })).toEqual({
      next_offset: null,
      total: 0,
      total_is_estimate: false,
    });
  });

  it("past the end without a count, the total is unknown (null), not the offset asked for", () => {
    expect(pageFields({ offset: 500, returned: 0, more: false })).toEqual({
      next_offset: null,
      total: null,
      total_is_estimate: false,
    });
  });

  it("an estimate stands for the total only while the walk has not counted, and never below what was seen", () => {
    expect(pageFields({ offset: 0, returned: 20, more: true, estimate: 201 })).toEqual({
      next_offset: 20,
      total: 201,
      total_is_estimate: true,
    });
    expect(pageFields({ offset: 40, returned: 20, more: true, estimate: 8 })).toEqual({
      next_offset: 60,
      total: 60,
      total_is_estimate: true,
    });
    expect(pageFields({ offset: 40, returned: 3, more: false, estimate: 201 })).toEqual({
      next_offset: null,
      total: 43,
      total_is_estimate: false,
    });
  });

  it("an empty page never offers its own offset again", () => {
    expect(pageFields({ offset: 20, returned: 0, more: true })).toMatchObject({ next_offset: null });
  });
});
