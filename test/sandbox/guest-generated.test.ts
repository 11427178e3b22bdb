// The guest's JavaScript reaches QuickJS through a committed, generated file (lib/sandbox/guest/generate.ts
// says why): a change to lib/sandbox/guest/*.ts without `npm run build:guest` would run the old guest.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { generatedPath, generateGuestSource } from '../../lib/sandbox/guest/generate.ts';

it('guest.generated.ts is what `npm run build:guest` makes of lib/sandbox/guest/*.ts', async () => {
  expect(readFileSync(generatedPath, 'utf8')).toBe(await generateGuestSource());
});
