import { describe, expect, it, vi } from 'vitest';
import { ZipLookupUnavailable, normaliseNearby, resolveZip } from './nearby';

describe('normaliseNearby', () => {
  it('maps GeoJSON features to rows sorted by distance and drops broken ones', () => {
    const rows = normaliseNearby({
      features: [
        {
          geometry: { type: 'Point', coordinates: [-93.1, 44.9] },
          properties: { npi: '2', name: 'B', distance_m: 900, address: { city: 'SAINT PAUL' } },
        },
        {
          geometry: { type: 'Point', coordinates: [-93.2, 44.8] },
          properties: { npi: '1', name: 'A', distance_m: 100 },
        },
        { geometry: { type: 'Point' }, properties: { npi: '3' } },
        { geometry: { type: 'Point', coordinates: [0, 0] }, properties: {} },
      ],
    });
    expect(rows.map((r) => r.npi)).toEqual(['1', '2']);
    expect(rows[1]).toMatchObject({ lat: 44.9, lng: -93.1, city: 'SAINT PAUL', credential: null });
  });
});

describe('resolveZip', () => {
  const json = (status: number, body: unknown, type = 'application/json') =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

  it('centres on the location in that ZIP of the first physician found there', async () => {
    vi.spyOn(globalThis, 'fetch')
      .mockResolvedValueOnce(json(200, { items: [{ npi: '1' }], next_cursor: null }))
      .mockResolvedValueOnce(
        json(200, {
          npi: '1',
          locations: [
            { postal_code: '100010000', lat: 1, lng: 2 },
            { postal_code: '554150000', lat: 44.97, lng: -93.26 },
          ],
        }),
      );
    expect(await resolveZip('55415')).toEqual({ lat: 44.97, lng: -93.26 });
  });

  it('says the lookup is unavailable when the server requires a name', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValueOnce(
      json(
        400,
        {
          type: 'urn:rounds:problem:bad-request',
          title: 'Bad Request',
          status: 400,
          detail: 'q: is required',
          request_id: 'r',
          errors: [{ field: 'q', message: 'is required' }],
        },
        'application/problem+json',
      ),
    );
    await expect(resolveZip('55415')).rejects.toBeInstanceOf(ZipLookupUnavailable);
  });
});
