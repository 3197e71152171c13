import { describe, expect, it } from 'vitest';
import { alertingSchema } from './config.js';
import { demoAlerting } from './demo.js';

describe('demo alerting', () => {
  it('is a valid alerting config', () => {
    expect(alertingSchema.parse(demoAlerting).rules.map((r) => r.kind)).toEqual([
      'link',
      'threshold',
      'threshold',
      'threshold',
      'milestone',
    ]);
  });
});
