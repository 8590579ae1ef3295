// The heaviest functions of a V8 CPU profile (node --cpu-prof): self time per function, summed over
// the profile's nodes, as a share of the samples where the process was busy (not idle).
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

export interface Frame {
  name: string;
  where: string;
  percent: number;
}

export function topFrames(profile: CpuProfile, count: number): Frame[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfSamples = new Map<string, { name: string; where: string; samples: number }>();
  let busy = 0;
  for (const id of profile.samples) {
    const frame = byNode.get(id)?.callFrame;
    if (frame === undefined || frame.functionName === "(idle)") continue;
    busy += 1;
    const where = frame.url === "" ? "" : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const name = frame.functionName === "" ? "(anonymous)" : frame.functionName;
    const key = `${name} ${where}`;
    const entry = selfSamples.get(key) ?? { name, where, samples: 0 };
    entry.samples += 1;
    selfSamples.set(key, entry);
  }
  return [...selfSamples.values()]
    .sort((a, b) => b.samples - a.samples)
    .slice(0, count)
    .map(({ name, where, samples }) => ({ name, where, percent: (100 * samples) / busy }));
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) return url.slice(modules + "node_modules/".length).replace(/^\.pnpm\/[^/]+\/node_modules\//u, "");
  const server = url.indexOf("/server/");
  return server >= 0 ? url.slice(server + 1) : url.replace(/^file:\/\//u, "");
}
