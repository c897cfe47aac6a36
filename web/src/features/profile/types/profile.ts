import type { SourceRelease } from '../../../components/SourceNote';

/**
 * The profile as the screens use it. The OpenAPI spec types the sections only as `object`, so the
 * server's JSON is checked and shaped here, once, at the boundary (Excalidraw's restore pattern):
 * a missing or odd field becomes null or an empty list instead of a crash in a component.
 */
export interface Location {
  source: string;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  phone: string | null;
  lat: number | null;
  lng: number | null;
}

export interface Specialty {
  code: string;
  name: string;
  primary: boolean;
  licenseNumber: string | null;
  licenseState: string | null;
}

export interface Enrollment {
  pacId: string | null;
  medSchool: string | null;
  gradYear: number | null;
  primarySpecialty: string | null;
  secondarySpecialties: string[];
  telehealth: boolean | null;
  groups: Array<{ name: string; memberCount: number | null }>;
}

export interface Affiliation {
  ccn: string;
  name: string;
  city: string | null;
  state: string | null;
  hospitalType: string | null;
  rating: number | null;
}

export interface PartBYear {
  year: number;
  services: number;
  beneficiaries: number | null;
  paymentCents: number;
  source: SourceRelease | null;
}

export interface Procedure {
  year: number;
  code: string;
  description: string;
  services: number;
  beneficiaries: number | null;
  avgPaymentCents: number | null;
}

export interface PartDYear {
  year: number;
  claims: number;
  costCents: number;
  brandShare: number | null;
  drugs: number | null;
  source: SourceRelease | null;
}

export interface Drug {
  year: number;
  brand: string;
  generic: string | null;
  claims: number;
  costCents: number | null;
  beneficiaries: number | null;
}

export interface Amount {
  label: string;
  amountCents: number;
  payments: number;
}

export interface Payment {
  id: string;
  date: string | null;
  payer: string;
  amountCents: number;
  nature: string | null;
  product: string | null;
}

export interface Profile {
  npi: string;
  entityType: string;
  displayName: string;
  credential: string | null;
  gender: string | null;
  deactivated: boolean;
  deactivationDate: string | null;
  enumerationDate: string | null;
  lastUpdateDate: string | null;
  source: SourceRelease | null;
  mailingPhone: string | null;
  specialties: Specialty[];
  locations: Location[];
  locationSources: SourceRelease[];
  enrollment: Enrollment[];
  enrollmentSource: SourceRelease | null;
  affiliations: Affiliation[];
  affiliationSource: SourceRelease | null;
  partb: { years: PartBYear[]; topProcedures: Procedure[] };
  partd: { years: PartDYear[]; topDrugs: Drug[] };
  payments: {
    years: Array<{ year: number; amountCents: number; payments: number }>;
    byPayer: Amount[];
    byNature: Amount[];
    largest: Payment[];
    sources: SourceRelease[];
  };
}

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function source(v: unknown): SourceRelease | null {
  const o = obj(v);
  const dataset = str(o.dataset);
  const release = str(o.release);
  if (!dataset || !release) return null;
  return { dataset, release, loaded_at: str(o.loaded_at), data_year: num(o.data_year) };
}

/** A section's `source` may be one release, a list (one per year) or null. */
function sources(v: unknown): SourceRelease[] {
  const list = Array.isArray(v) ? v.map(source) : [source(v)];
  const seen = new Set<string>();
  return list.filter((s): s is SourceRelease => {
    if (!s || seen.has(`${s.dataset}/${s.release}`)) return false;
    seen.add(`${s.dataset}/${s.release}`);
    return true;
  });
}

function displayName(raw: Obj): string {
  const name = obj(raw.name);
  const display = str(name.display) ?? str(name.organization);
  if (display) return display;
  if (typeof raw.name === 'string') return raw.name;
  return [str(name.first), str(name.last)].filter(Boolean).join(' ') || String(raw.npi ?? '');
}

function amounts(v: unknown, key: string): Amount[] {
  return arr(v).map((x) => {
    const o = obj(x);
    return {
      label: str(o[key]) ?? 'Unknown',
      amountCents: num(o.amount_cents) ?? 0,
      payments: num(o.payments) ?? 0,
    };
  });
}

export function normaliseProfile(input: unknown): Profile {
  const raw = obj(input);
  const npi = str(raw.npi);
  if (!npi) throw new Error('The profile has no NPI.');
  const enrollment = obj(raw.enrollment);
  const affiliations = obj(raw.affiliations);
  const partb = obj(raw.partb);
  const partd = obj(raw.partd);
  const op = obj(raw.open_payments);
  const locations = arr(raw.locations).map((x) => {
    const o = obj(x);
    return {
      location: {
        source: str(o.source) ?? '',
        line1: str(o.line1),
        line2: str(o.line2),
        city: str(o.city),
        state: str(o.state),
        postalCode: str(o.postal_code),
        phone: str(o.phone),
        lat: num(o.lat),
        lng: num(o.lng),
      },
      source: source(o.source_release),
    };
  });
  return {
    npi,
    entityType: str(raw.entity_type) ?? 'individual',
    displayName: displayName(raw),
    credential: str(raw.credential),
    gender: str(raw.gender),
    deactivated: raw.deactivated === true,
    deactivationDate: str(raw.deactivation_date),
    enumerationDate: str(raw.enumeration_date),
    lastUpdateDate: str(raw.last_update_date),
    source: source(raw.source),
    mailingPhone: str(obj(raw.mailing_address).phone),
    specialties: arr(raw.specialties).map((x) => {
      const o = obj(x);
      return {
        code: str(o.code) ?? '',
        name: str(o.name) ?? str(o.code) ?? 'Unknown',
        primary: o.primary === true,
        licenseNumber: str(o.license_number),
        licenseState: str(o.license_state),
      };
    }),
    locations: locations.map((l) => l.location),
    locationSources: sources(locations.map((l) => l.source)),
    enrollment: arr(enrollment.records).map((x) => {
      const o = obj(x);
      return {
        pacId: str(o.pac_id),
        medSchool: str(o.med_school),
        gradYear: num(o.grad_year),
        primarySpecialty: str(o.primary_specialty),
        secondarySpecialties: arr(o.secondary_specialties)
          .map(str)
          .filter((s): s is string => s !== null),
        telehealth: bool(o.telehealth),
        groups: arr(o.groups).map((g) => ({
          name: str(obj(g).name) ?? 'Unnamed group',
          memberCount: num(obj(g).member_count),
        })),
      };
    }),
    enrollmentSource: source(enrollment.source),
    affiliations: arr(affiliations.items).map((x) => {
      const o = obj(x);
      return {
        ccn: str(o.ccn) ?? '',
        name: str(o.name) ?? 'Unnamed facility',
        city: str(o.city),
        state: str(o.state),
        hospitalType: str(o.hospital_type) ?? str(o.facility_type),
        rating: num(o.overall_rating),
      };
    }),
    affiliationSource: source(affiliations.source),
    partb: {
      years: arr(partb.years)
        .map((x) => {
          const o = obj(x);
          return {
            year: num(o.year) ?? 0,
            services: num(o.services) ?? 0,
            beneficiaries: num(o.beneficiaries),
            paymentCents: num(o.payment_cents) ?? 0,
            source: source(o.source),
          };
        })
        .sort((a, b) => a.year - b.year),
      topProcedures: arr(partb.top_procedures).map((x) => {
        const o = obj(x);
        return {
          year: num(o.year) ?? 0,
          code: str(o.hcpcs_code) ?? '',
          description: str(o.description) ?? '',
          services: num(o.services) ?? 0,
          beneficiaries: num(o.beneficiaries),
          avgPaymentCents: num(o.avg_payment_cents),
        };
      }),
    },
    partd: {
      years: arr(partd.years)
        .map((x) => {
          const o = obj(x);
          return {
            year: num(o.year) ?? 0,
            claims: num(o.claims) ?? 0,
            costCents: num(o.cost_cents) ?? 0,
            brandShare: num(o.brand_share),
            drugs: num(o.drugs),
            source: source(o.source),
          };
        })
        .sort((a, b) => a.year - b.year),
      topDrugs: arr(partd.top_drugs).map((x) => {
        const o = obj(x);
        return {
          year: num(o.year) ?? 0,
          brand: str(o.brand_name) ?? str(o.generic_name) ?? 'Unknown',
          generic: str(o.generic_name),
          claims: num(o.claims) ?? 0,
          costCents: num(o.cost_cents),
          beneficiaries: num(o.beneficiaries),
        };
      }),
    },
    payments: {
      years: arr(op.years)
        .map((x) => {
          const o = obj(x);
          return {
            year: num(o.year) ?? 0,
            amountCents: num(o.amount_cents) ?? 0,
            payments: num(o.payments) ?? 0,
          };
        })
        .sort((a, b) => a.year - b.year),
      byPayer: amounts(op.by_payer, 'payer'),
      byNature: amounts(op.by_nature, 'nature'),
      largest: arr(op.largest).map((x) => {
        const o = obj(x);
        return {
          id: str(o.record_id) ?? `${str(o.date)}-${num(o.amount_cents)}`,
          date: str(o.date),
          payer: str(o.payer) ?? 'Unknown payer',
          amountCents: num(o.amount_cents) ?? 0,
          nature: str(o.nature),
          product: str(o.product),
        };
      }),
      sources: sources(op.source),
    },
  };
}
