import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { SearchParams } from '../types';
import { usePhysicianSearch } from './usePhysicianSearch';

const base: SearchParams = {
  q: '',
  specialty: '',
  state: '',
  city: '',
  zip: '',
  lat: null,
  lng: null,
};

function wrapper() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
}

describe('usePhysicianSearch', () => {
  it('debounces typing, aborts the stale request and pages with next_cursor', async () => {
    const signals: AbortSignal[] = [];
    const urls: string[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      urls.push(String(input));
      const signal = init?.signal as AbortSignal;
      signals.push(signal);
      const q = new URL(String(input), 'http://x').searchParams;
      // The first query hangs until aborted; later ones answer at once.
      if (q.get('q') === 'smi') {
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        });
      }
      const page = q.get('cursor')
        ? { items: [{ npi: '2', name: 'B SMITH', match: 'exact' }], next_cursor: null }
        : { items: [{ npi: '1', name: 'A SMITH', match: 'exact' }], next_cursor: 'c1' };
      return Promise.resolve(
        new Response(JSON.stringify(page), { headers: { 'content-type': 'application/json' } }),
      );
    });

    const { result, rerender } = renderHook((p: SearchParams) => usePhysicianSearch(p), {
      initialProps: base,
      wrapper: wrapper(),
    });
    expect(result.current.enabled).toBe(false);

    const smi = { ...base, q: 'smi' };
    rerender(smi);
    await waitFor(() => expect(urls).toHaveLength(1));
    const smith = { ...base, q: 'smith' };
    rerender(smith);
    await waitFor(() => expect(result.current.items.map((h) => h.npi)).toEqual(['1']));
    expect(signals[0]?.aborted).toBe(true);
    expect(urls[1]).toContain('q=smith');

    await result.current.fetchNextPage();
    await waitFor(() => expect(result.current.items.map((h) => h.npi)).toEqual(['1', '2']));
    expect(urls.at(-1)).toContain('cursor=c1');
    expect(result.current.hasNextPage).toBe(false);
  });
});
