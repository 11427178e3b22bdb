// Why the sandbox uses bellard QuickJS rather than quickjs-ng: both release-sync wasmfile variants of
// quickjs-emscripten 0.32, the same raw engine work (a new runtime and context, a 1 KB JSON request parsed, a
// JSON answer, dispose), and a CPU-heavy script. quickjs-ng is not a dependency: `npm run bench:peers`
// installs it into bench/peers/. Run with `npm run bench:engines`.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import bellard from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, type QuickJSSyncVariant } from 'quickjs-emscripten-core';
import { summarize } from './stats.ts';

const request = JSON.stringify({
  items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b'] })),
}).slice(0, 1024);
const responderLike =
  '(() => { const d = JSON.parse(input); return JSON.stringify({ n: String(d).length, ok: true }); })()';
const cpuHeavy = `(() => { let s = 0; for (let i = 0; i < 300000; i++) s += Math.sqrt(i) * (i % 7);
  const a = []; for (let i = 0; i < 20000; i++) a.push({ i, s: 'x' + i }); a.sort((x, y) => y.i - x.i);
  return String(JSON.stringify(a).length + s); })()`;

async function measure(name: string, variant: QuickJSSyncVariant): Promise<void> {
  const qjs = await newQuickJSWASMModuleFromVariant(variant);
  const time = (source: string, runs: number) => {
    const latenciesMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const runtime = qjs.newRuntime();
      const ctx = runtime.newContext();
      const input = ctx.newString(request);
      ctx.setProp(ctx.global, 'input', input);
      input.dispose();
      const result = ctx.unwrapResult(ctx.evalCode(source, 'script.js', { type: 'global' }));
      ctx.getString(result);
      result.dispose();
      ctx.dispose();
      runtime.dispose();
      latenciesMs.push(performance.now() - started);
    }
    const { p50Ms, p99Ms } = summarize(latenciesMs);
    return `p50 ${p50Ms.toFixed(3)} ms, p99 ${p99Ms.toFixed(3)} ms`;
  };
  time(responderLike, 300);
  console.log(`${name}: responder-like ${time(responderLike, 3000)}; CPU-heavy ${time(cpuHeavy, 30)}`);
}

await measure('bellard', bellard as unknown as QuickJSSyncVariant);
try {
  const peers = createRequire(join(import.meta.dirname, 'peers', 'package.json'));
  const ng = peers('@jitl/quickjs-ng-wasmfile-release-sync') as { default?: unknown };
  await measure('quickjs-ng', (ng.default ?? ng) as QuickJSSyncVariant);
} catch (error) {
  console.log(`quickjs-ng not measured: ${(error as Error).message.split('\n')[0]} (npm run bench:peers)`);
}
