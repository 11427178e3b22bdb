// Issue 11 §4: memory limits fall in a few size classes with one module each, so however many distinct limits
// tenants choose, a worker builds a module per class once instead of once per request; a script still hits
// memory at its configured limit's class and is told its configured limit.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { scriptMemoryClassBytes, scriptMemoryClassesBytes } from '../../lib/limits.ts';
import { Engine } from '../../lib/sandbox/engine.ts';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { resolveLimits } from '../../lib/sandbox/limits.ts';
import { ModulePool } from '../../lib/sandbox/module-pool.ts';
import type { RunJob } from '../../lib/sandbox/protocol.ts';
import { loadQuickJsWasm } from '../../lib/sandbox/wasm-layout.ts';
import { requestContext, scriptRun, text } from './fixtures.ts';

const { wasmModule, layout } = loadQuickJsWasm();

const mebibytes = (n: number) => Math.round(n * 1024 * 1024);
/** Eight distinct limits, none of them a class but the cap: more than a worker used to keep modules for. */
const limits = [1.5, 3, 5, 9, 12, 20, 40, 64].map(mebibytes);
const fillToLimit =
  'const kept = []; for (let i = 1; ; i++) { kept.push(new Uint8Array(1 << 20)); console.log(String(i << 20)); }';

describe('memory size classes', () => {
  it('are ascending and end at the deployment cap', () => {
    expect([...scriptMemoryClassesBytes].sort((a, b) => a - b)).toEqual(scriptMemoryClassesBytes);
    expect(scriptMemoryClassesBytes.at(-1)).toBe(resolveLimits({ memoryBytes: 1e12 }).memoryBytes);
    expect(scriptMemoryClassBytes(mebibytes(10))).toBe(mebibytes(10));
    expect(scriptMemoryClassBytes(mebibytes(10) + 1)).toBe(mebibytes(16));
    expect(scriptMemoryClassBytes(1)).toBe(scriptMemoryClassesBytes[0]);
  });
});

describe('an engine serving more distinct memory limits than classes it builds', () => {
  const engine = new Engine(wasmModule, layout);
  const request = (script: string, memoryBytes: number): RunJob => ({
    kind: 'run',
    script,
    context: requestContext(),
    limits: resolveLimits({ memoryBytes }),
  });

  it('builds one module per class involved, however the limits alternate', async () => {
    const builds = vi.spyOn(ModulePool.prototype as unknown as { newModule: () => unknown }, 'newModule');
    const classesInvolved = new Set(limits.map(scriptMemoryClassBytes)).size;
    expect(classesInvolved).toBeGreaterThan(4);
    for (let i = 0; i < 40; i++) {
      const memoryBytes = limits[i % limits.length] as number;
      const answer = await engine.run(request(`({ body: String(${memoryBytes}) })`, memoryBytes));
      expect(answer).toMatchObject({ outcome: 'ok', body: new TextEncoder().encode(String(memoryBytes)) });
      await engine.idle(memoryBytes);
    }
    expect(builds).toHaveBeenCalledTimes(classesInvolved);
    builds.mockRestore();
  });
});

describe('a script with a limit between classes', () => {
  const sandbox = createSandbox();
  afterAll(() => sandbox.close());
  const benign = async (memoryBytes: number) => {
    const after = await sandbox.run(scriptRun('({ body: context.method })', { limits: { memoryBytes } }));
    expect(after.outcome).toBe('ok');
    expect(text(after.body)).toBe('POST');
  };

  it.each(limits)(
    'runs out of memory at %i bytes, is told that limit, and the next run works',
    async (limit) => {
      const bomb = await sandbox.run(
        scriptRun("let s = 'x'.repeat(1024); for (;;) { s = s + s; s.charCodeAt(1); }", {
          limits: { memoryBytes: limit },
        }),
      );
      expect(bomb.outcome).toBe('memory');
      expect(text(bomb.body)).toBe(`Script exceeded memory limit (${limit} bytes).`);
      await benign(limit);
    },
  );

  it('may use its limit, and never more than its class', async () => {
    const limit = mebibytes(12);
    const filled = await sandbox.run(scriptRun(fillToLimit, { limits: { memoryBytes: limit } }));
    expect(filled.outcome).toBe('memory');
    expect(text(filled.body)).toBe(`Script exceeded memory limit (${limit} bytes).`);
    const reached = Number(filled.console.at(-1)?.message);
    expect(reached).toBeGreaterThanOrEqual(limit);
    expect(reached).toBeLessThanOrEqual(scriptMemoryClassBytes(limit));
    await benign(limit);
  });
});
