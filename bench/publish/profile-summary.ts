/** The parts of a V8 `.cpuprofile` that the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[];
  samples?: number[];
  startTime: number;
  endTime: number;
}

const shortUrl = (url: string): string => {
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) return url.slice(at + 'node_modules/'.length);
  const src = url.search(/\/(src|bench)\//);
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '');
};

/**
 * Self time by function and by package (the first path segment under node_modules, or src/): a table to
 * read the hot spots from without opening the profile in DevTools.
 */
export const summarizeProfile = (profile: CpuProfile, top: number): string => {
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = shortUrl(url);
    const fn = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
    const pkg = url === '' ? `(${functionName})` : file.startsWith('@') ? file.split('/').slice(0, 2).join('/') : (file.split('/')[0] ?? file);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const lines = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`);
  return ['self time by package:', ...lines(byPackage, 20), 'self time by function:', ...lines(byFunction, top)].join('\n');
};

/** The parts of a V8 sampling heap profile that the summary reads. */
export interface SamplingHeapProfile {
  head: SamplingNode;
}
interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** Sampled bytes allocated per request, by the function that allocated them (self size). */
export const summarizeAllocations = (profile: SamplingHeapProfile, requests: number, top: number): string => {
  const byFunction = new Map<string, number>();
  let total = 0;
  const pending = [profile.head];
  for (let node = pending.pop(); node; node = pending.pop()) {
    pending.push(...node.children);
    if (node.selfSize === 0) continue;
    total += node.selfSize;
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.selfSize);
  }
  return [
    `sampled total: ${(total / requests / 1024).toFixed(1)} KiB per request`,
    ...[...byFunction]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => `${(bytes / requests).toFixed(0).padStart(7)} B  ${name}`),
  ].join('\n');
};
