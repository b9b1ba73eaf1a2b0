/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`, written by `BENCH_CPU_PROF=1 npm run bench`): the
 * functions with the most self time, and self time per package or source folder.
 * Run alone: `node --import tsx bench/cpu-profile.ts <file.cpuprofile> [top]`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface HotSpot {
  name: string;
  /** Share of all samples, in %. */
  selfPercent: number;
}

/** Where a script lives, shortened: `node_modules/<package>`, `src/<folder>`, `(node)` or `(program)`. */
function areaOf(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const src = /\/(src|bench)\/([^/]+)/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return '(node internals)';
  return url === '' ? '(native / GC / idle)' : url;
}

/** The top `limit` functions and areas by self time. */
export function summarizeCpuProfile(path: string, limit = 15): { functions: HotSpot[]; areas: HotSpot[] } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[] };
  const total = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0) || 1;
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const { callFrame: f, hitCount = 0 } of profile.nodes) {
    if (hitCount === 0) continue;
    const file = f.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/');
    const name = `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + hitCount);
    const area = areaOf(f.url);
    areas.set(area, (areas.get(area) ?? 0) + hitCount);
  }
  const top = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, hits]) => ({ name, selfPercent: (hits / total) * 100 }));
  return { functions: top(functions), areas: top(areas) };
}

export function describeCpuProfile(path: string, limit = 15): string {
  const { functions, areas } = summarizeCpuProfile(path, limit);
  const line = (h: HotSpot) => `  ${h.selfPercent.toFixed(1).padStart(5)} %  ${h.name}`;
  return [`self time by function (${path}):`, ...functions.map(line), 'self time by area:', ...areas.map(line)].join(
    '\n',
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, limit] = process.argv.slice(2);
  if (!file) throw new Error('usage: node --import tsx bench/cpu-profile.ts <file.cpuprofile> [top]');
  console.log(describeCpuProfile(file, Number(limit ?? 15)));
}
