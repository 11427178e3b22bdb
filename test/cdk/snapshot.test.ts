import { expect, it } from 'vitest';
import { synthTemplate } from './synth-stack.ts';

it('synthesises the same template as last reviewed (asset hashes aside)', () => {
  const template = JSON.stringify(synthTemplate().toJSON(), null, 2).replace(/[0-9a-f]{64}/g, '<asset-hash>');
  expect(template).toMatchSnapshot();
});
