#!/usr/bin/env node
// The collector runs from its TypeScript sources; tsx compiles each module on load.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
