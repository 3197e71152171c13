import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// Pure data/ tests run in the node environment (no DOM to set up, much faster); components in jsdom.
if (typeof window !== 'undefined') {
  // uPlot (imported by @grafana/ui) calls matchMedia at import time; jsdom has none.
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: vi.fn(),
      removeListener: vi.fn(),
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
      dispatchEvent: vi.fn(),
    }),
  });
  // jsdom has no canvas; @grafana/ui measures text with one.
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
}

afterEach(() => cleanup());
