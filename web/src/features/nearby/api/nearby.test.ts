import { describe, expect, it, vi } from 'vitest';
import { normaliseNearby, resolveZip } from './nearby';

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

  it('centres on the ZIP centroid the server gives', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch').mockResolvedValueOnce(
      json(200, {
        zip: '55415',
        lat: 44.97,
        lng: -93.26,
        city: 'MINNEAPOLIS',
        state: 'MN',
        addresses: 12,
        source: { dataset: 'zcta' },
      }),
    );
    expect(await resolveZip('55415')).toEqual({
      lat: 44.97,
      lng: -93.26,
      label: 'MINNEAPOLIS, MN 55415',
    });
    expect(String(fetch.mock.calls[0]?.[0])).toContain('/api/v1/zips/55415');
  });

  it('gives null for a ZIP the gazetteer does not know', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValueOnce(
      json(
        404,
        {
          type: 'urn:rounds:problem:not-found',
          title: 'Not Found',
          status: 404,
          detail: 'ZIP 00000 is not in the ZIP gazetteer',
          request_id: 'r',
        },
        'application/problem+json',
      ),
    );
    expect(await resolveZip('00000')).toBeNull();
  });
});
