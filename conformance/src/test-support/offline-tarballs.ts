// Tarballs of workspace packages, and of every package their published dependencies need, taken
// from this repository's installed node_modules: `npm install --offline` of the lot then installs
// them as a third party would, with nothing fetched from any registry.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;

/** The folder a dependency of the package in `dir` resolves to, as Node would find it. */
function dependencyDir(dir: string, name: string): string | undefined {
  // pnpm keeps a package's dependencies beside it, in the node_modules folder that holds it.
  const holder = manifestOf(dir).name.startsWith("@") ? dirname(dirname(dir)) : dirname(dir);
  for (const candidate of [join(dir, "node_modules", name), join(holder, name)]) {
    try {
      return realpathSync(candidate);
    } catch {
      // not there; try the next place
    }
  }
  return undefined;
}

/** Every package folder the workspace packages' dependencies need, each once. */
function dependencyClosure(packageDirs: readonly string[]): string[] {
  const seen = new Map<string, string>();
  const visit = (dir: string) => {
    const manifest = manifestOf(dir);
    const needed = { ...manifest.optionalDependencies, ...manifest.dependencies };
    for (const name of Object.keys(needed)) {
      const found = dependencyDir(dir, name);
      if (found === undefined) {
        if (manifest.optionalDependencies?.[name] !== undefined) continue;
        throw new Error(`${manifest.name} needs ${name}, which is not installed beside it`);
      }
      const { name: depName, version } = manifestOf(found);
      const id = `${depName}@${version}`;
      if (seen.has(id)) continue;
      seen.set(id, found);
      visit(found);
    }
  };
  packageDirs.forEach(visit);
  return [...seen.values()];
}

async function pnpmPack(dir: string, destination: string): Promise<string> {
  const before = new Set(readdirSync(destination));
  await run("pnpm", ["pack", "--pack-destination", destination], { cwd: dir });
  const made = readdirSync(destination).filter((name) => name.endsWith(".tgz") && !before.has(name));
  if (made.length !== 1) throw new Error(`packing ${dir} made ${made.length} tarballs`);
  return join(destination, made[0] ?? "");
}

/**
 * An installed package folder holds exactly what its tarball held, so it is tarred back up the
 * way npm lays a tarball out (everything under package/). pnpm's store hard-links identical files,
 * and npm skips hard-link entries when it unpacks, so each link is stored as the file it points
 * at. `npm pack <folder>` would do the same but stops with "Exit handler never called" on some
 * of pnpm's folders.
 */
async function tarInstalled(dir: string, destination: string): Promise<string> {
  const { name, version } = manifestOf(dir);
  const tarball = join(destination, `${name.replace("@", "").replace("/", "-")}-${version}.tgz`);
  await run("tar", ["-czf", tarball, "--hard-dereference", "--transform", "s,^\\.,package,", "-C", dir, "."]);
  return tarball;
}

/**
 * Packs the workspace packages (with `pnpm pack`, which builds them and turns workspace: ranges
 * into versions) and their dependencies' installed folders, into `destination`.
 */
export async function packForOfflineInstall(packageDirs: readonly string[], destination: string): Promise<string[]> {
  const tarballs: string[] = [];
  for (const dir of packageDirs) tarballs.push(await pnpmPack(dir, destination));
  for (const dir of dependencyClosure(packageDirs)) tarballs.push(await tarInstalled(dir, destination));
  return tarballs;
}

/** `npm install --offline` of the tarballs into an empty project folder. */
export async function installOffline(project: string, tarballs: readonly string[]): Promise<void> {
  await run("npm", ["init", "--yes"], { cwd: project });
  await run(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", ...tarballs],
    { cwd: project },
  );
}
