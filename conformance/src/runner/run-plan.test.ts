import { describe, expect, it } from "vitest";
import { Pacer } from "./pacer.js";
import { MIN_PROPERTY_RUNS, RunPlan } from "./run-plan.js";

function plannedRun() {
  let now = 0;
  const pacer = new Pacer(() => now);
  const plan = new RunPlan(pacer, 110, 0);
  return { pacer, plan, advance: (ms: number) => (now += ms) };
}

describe("the run plan", () => {
  it("cuts nothing while the server has refused nothing", () => {
    const { pacer, plan } = plannedRun();
    pacer.recordCounted(5000);
    plan.lookAhead(84, 10);
    expect(plan.affordsOptional()).toBe(true);
    const mayRun = plan.propertyRuns();
    expect(mayRun(99)).toBe(true);
  });

  it("splits what the limit leaves, after the calls reserved ahead, evenly among the properties", () => {
    const { pacer, plan } = plannedRun();
    pacer.recordCounted(100);
    pacer.recordRefusal({ window: "minute", limit: 100 });
    // 100 more fit in 110 s; 20 are reserved for the checks ahead and 3 kept as a margin; 77 spare for 4 properties.
    plan.lookAhead(20, 4);
    expect(plan.spare()).toBe(77);
    const mayRun = plan.propertyRuns();
    expect(mayRun(0)).toBe(true);
    expect(mayRun(18)).toBe(true);
    expect(mayRun(19)).toBe(false);
  });

  it("learns the limit mid-property and ends that property at its share from then on", () => {
    const { pacer, plan } = plannedRun();
    plan.lookAhead(0, 2);
    const mayRun = plan.propertyRuns();
    pacer.recordCounted(100);
    expect(mayRun(30)).toBe(true);
    pacer.recordRefusal({ window: "minute", limit: 100 });
    // 97 spare (a margin of 3 kept) for 2 properties: 48 more for this one, counted from the 30 it has made.
    expect(mayRun(30)).toBe(true);
    expect(mayRun(77)).toBe(true);
    expect(mayRun(78)).toBe(false);
  });

  it("always lets each property make its first runs, and leaves optional checks out when nothing is spare", () => {
    const { pacer, plan, advance } = plannedRun();
    pacer.recordCounted(100);
    advance(60_000);
    pacer.recordCounted(100);
    pacer.recordRefusal({ window: "minute", limit: 100 });
    plan.lookAhead(0, 1);
    expect(plan.affordsOptional()).toBe(false);
    const mayRun = plan.propertyRuns();
    expect(mayRun(MIN_PROPERTY_RUNS - 1)).toBe(true);
    expect(mayRun(MIN_PROPERTY_RUNS)).toBe(false);
    expect(plan.reason()).toBe(
      "the server's rate limit (100/minute) leaves no room for it within the 110 s time budget (--time-budget)",
    );
  });
});
