import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { wasmFilePath } from '../../lib/sandbox/files.ts';
import {
  compileDeferringTierUp,
  quickJsTieringBudget,
  type TieringEnvironment,
  v8DefaultTieringBudget,
} from '../../lib/sandbox/wasm-tiering.ts';

const quickJsBytes = readFileSync(wasmFilePath());

function recording(overrides: Partial<TieringEnvironment> = {}) {
  const set: string[] = [];
  const environment: TieringEnvironment = {
    v8Version: '11.3.244.8-node.38',
    execArgv: [],
    setFlags: (flags) => set.push(flags),
    ...overrides,
  };
  return { environment, set };
}

/**
 * Whether a thread started after `change` still accepts a code cache made before it. V8 rejects a cache made
 * under other flags, and a new thread (the sandbox worker, with Node's own start-up caches) checks the flags
 * as they are when it starts.
 */
async function codeCacheAcceptedAfter(change: () => void): Promise<boolean> {
  const source = `(function cached() { return ${Math.random()}; })`;
  const cachedData = new vm.Script(source).createCachedData();
  change();
  const thread = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const script = new (require('node:vm').Script)(workerData.source, { cachedData: workerData.cachedData });
     parentPort.postMessage(!script.cachedDataRejected);`,
    { eval: true, workerData: { source, cachedData } },
  );
  const [accepted] = (await once(thread, 'message')) as [boolean];
  await thread.terminate();
  return accepted;
}

describe('compiling the QuickJS module with tier-up deferred', () => {
  it("knows this Node's V8 and its default budget, as `node --v8-options` states it", () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    const stated = /default: --wasm-tiering-budget=(\d+)/.exec(options)?.[1];

    expect(stated).toBeDefined();
    expect(v8DefaultTieringBudget()).toBe(Number(stated));
  });

  it("leaves V8's flags as it found them: a thread started later still accepts the code caches made before", async () => {
    const accepted = await codeCacheAcceptedAfter(() => compileDeferringTierUp(quickJsBytes));

    expect(accepted).toBe(true);
  });

  it('would be seen by that check if the budget were left changed', async () => {
    const defaultBudget = v8DefaultTieringBudget();
    try {
      const accepted = await codeCacheAcceptedAfter(() =>
        setFlagsFromString(`--wasm-tiering-budget=${quickJsTieringBudget}`),
      );

      expect(accepted).toBe(false);
    } finally {
      setFlagsFromString(`--wasm-tiering-budget=${defaultBudget}`);
    }
  });

  it('sets the larger budget for the compile only, and puts back the default of the V8 it runs on', () => {
    const node20 = recording({ v8Version: '11.3.244.8-node.38' });
    const node22 = recording({ v8Version: '12.4.254.21-node.57' });

    expect(compileDeferringTierUp(quickJsBytes, node20.environment)).toBeInstanceOf(WebAssembly.Module);
    compileDeferringTierUp(quickJsBytes, node22.environment);

    expect(node20.set).toEqual([
      `--wasm-tiering-budget=${quickJsTieringBudget}`,
      '--wasm-tiering-budget=1800000',
    ]);
    expect(node22.set).toEqual([
      `--wasm-tiering-budget=${quickJsTieringBudget}`,
      '--wasm-tiering-budget=13000000',
    ]);
  });

  it('puts the default back when the bytes do not compile', () => {
    const { environment, set } = recording();

    expect(() =>
      compileDeferringTierUp(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]), environment),
    ).toThrow('WebAssembly.Module()');
    expect(set.at(-1)).toBe('--wasm-tiering-budget=1800000');
  });

  it('touches no flag on a V8 whose default budget it does not know', () => {
    const { environment, set } = recording({ v8Version: '13.6.233.10-node.27' });

    expect(compileDeferringTierUp(quickJsBytes, environment)).toBeInstanceOf(WebAssembly.Module);
    expect(set).toEqual([]);
  });

  it('keeps a budget the operator gave node on its command line, in either spelling', () => {
    for (const flag of ['--wasm-tiering-budget=1000', '--wasm_tiering_budget=1000']) {
      const { environment, set } = recording({ execArgv: ['--enable-source-maps', flag] });

      compileDeferringTierUp(quickJsBytes, environment);

      expect(set).toEqual([]);
    }
  });
});
