import { useMemo, useState } from 'react';
import { BarChart } from '../../../components/BarChart';
import { LazyMap } from '../../../components/map/LazyMap';
import { Section } from '../../../components/Section';
import type { SourceRelease } from '../../../components/SourceNote';
import { Stars } from '../../../components/Stars';
import { config } from '../../../lib/config';
import {
  formatCount,
  formatDate,
  formatMoney,
  formatPhone,
  formatZip,
  titleCase,
} from '../../../lib/format';
import type { Profile } from '../types/profile';

const yearSources = (years: Array<{ source: SourceRelease | null }>) =>
  years.map((y) => y.source).filter((s): s is SourceRelease => s !== null);

export function LocationsSection({ profile }: { profile: Profile }) {
  const [showMap, setShowMap] = useState(false);
  // NPPES and the DAC file often repeat the same address: show each place once.
  const places = useMemo(() => {
    const seen = new Set<string>();
    return profile.locations.filter((l) => {
      const key = `${l.line1}|${l.city}|${l.postalCode?.slice(0, 5)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }, [profile.locations]);
  const points = useMemo(
    () =>
      places
        .filter((l) => l.lat !== null && l.lng !== null)
        .map((l, i) => ({
          id: String(i),
          lat: l.lat as number,
          lng: l.lng as number,
          title: [titleCase(l.line1), titleCase(l.city)].filter(Boolean).join(', '),
        })),
    [places],
  );
  const first = points[0];
  const center = useMemo<[number, number]>(
    () => (first ? [first.lat, first.lng] : [39.8, -98.6]),
    [first],
  );
  return (
    <Section
      id="locations"
      title="Practice locations"
      sources={profile.locationSources}
      empty={places.length === 0}
      emptyText="No practice location on file."
    >
      {points.length > 0 &&
        (showMap ? (
          <LazyMap
            className="mini-map"
            label="Map of practice locations"
            points={points}
            center={center}
            zoom={13}
            cluster={false}
            tileUrl={config.tileUrl}
            tileAttribution={config.tileAttribution}
          />
        ) : (
          // Leaflet is loaded on request: on a throttled phone its ~45 kB would delay the moment
          // the call and directions buttons respond.
          <button
            type="button"
            className="btn btn-small map-toggle"
            onClick={() => setShowMap(true)}
          >
            Show on map
          </button>
        ))}
      <ul className="plain-list">
        {places.map((l, i) => (
          <li key={i}>
            <address>
              {titleCase(l.line1)}
              {l.line2 && `, ${titleCase(l.line2)}`}
              <br />
              {titleCase(l.city)}, {l.state} {formatZip(l.postalCode)}
            </address>
            {l.phone && <a href={`tel:+1${l.phone.replace(/\D/g, '')}`}>{formatPhone(l.phone)}</a>}
          </li>
        ))}
      </ul>
    </Section>
  );
}

export function SpecialtiesSection({ profile }: { profile: Profile }) {
  return (
    <Section
      id="specialties"
      title="Specialties and licences"
      sources={profile.source ? [profile.source] : []}
      empty={profile.specialties.length === 0}
      emptyText="No specialty or licence on file."
    >
      <ul className="plain-list">
        {profile.specialties.map((s) => (
          <li key={`${s.code}-${s.licenseState}-${s.licenseNumber}`}>
            <strong>{s.name}</strong>
            {s.primary && <span className="badge">Primary</span>}
            <br />
            <span className="muted">
              Taxonomy {s.code}
              {s.licenseNumber
                ? ` · Licence ${s.licenseNumber}${s.licenseState ? ` (${s.licenseState})` : ''}`
                : ' · No licence listed'}
            </span>
          </li>
        ))}
      </ul>
      <p className="muted">
        Enumerated {formatDate(profile.enumerationDate)} · Updated{' '}
        {formatDate(profile.lastUpdateDate)}
      </p>
    </Section>
  );
}

export function EnrollmentSection({ profile }: { profile: Profile }) {
  return (
    <Section
      id="enrollment"
      title="Medicare enrolment"
      sources={profile.enrollmentSource ? [profile.enrollmentSource] : []}
      empty={profile.enrollment.length === 0}
      emptyText="Not found in the Medicare enrolment file."
    >
      {profile.enrollment.map((e, i) => (
        <dl className="facts" key={e.pacId ?? i}>
          <dt>Primary specialty</dt>
          <dd>{titleCase(e.primarySpecialty) || '—'}</dd>
          {e.secondarySpecialties.length > 0 && (
            <>
              <dt>Secondary</dt>
              <dd>{e.secondarySpecialties.map(titleCase).join(', ')}</dd>
            </>
          )}
          <dt>Medical school</dt>
          <dd>
            {titleCase(e.medSchool) || '—'}
            {e.gradYear ? `, ${e.gradYear}` : ''}
          </dd>
          <dt>Telehealth</dt>
          <dd>{e.telehealth === null ? 'Not reported' : e.telehealth ? 'Yes' : 'No'}</dd>
          <dt>Group practice</dt>
          <dd>
            {e.groups.length === 0
              ? 'None'
              : e.groups
                  .map(
                    (g) =>
                      `${titleCase(g.name)}${g.memberCount ? ` (${g.memberCount} members)` : ''}`,
                  )
                  .join('; ')}
          </dd>
        </dl>
      ))}
    </Section>
  );
}

export function AffiliationsSection({ profile }: { profile: Profile }) {
  return (
    <Section
      id="affiliations"
      title="Hospital affiliations"
      sources={profile.affiliationSource ? [profile.affiliationSource] : []}
      empty={profile.affiliations.length === 0}
      emptyText="No hospital affiliation on file."
    >
      <ul className="plain-list">
        {profile.affiliations.map((a) => (
          <li key={a.ccn}>
            <strong>{titleCase(a.name)}</strong> <Stars rating={a.rating} />
            <br />
            <span className="muted">
              {[titleCase(a.city), a.state].filter(Boolean).join(', ')}
              {a.hospitalType ? ` · ${a.hospitalType}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </Section>
  );
}

export function PartBSection({ profile }: { profile: Profile }) {
  const { years, topProcedures } = profile.partb;
  const latest = years.at(-1)?.year;
  const top = topProcedures.filter((p) => p.year === latest);
  return (
    <Section
      id="partb"
      title="Medicare Part B services"
      sources={yearSources(years)}
      empty={years.length === 0}
      emptyText="No Medicare Part B services reported."
    >
      <div className="charts">
        <BarChart
          title="Medicare payments per year"
          bars={years.map((y) => ({ label: String(y.year), value: y.paymentCents }))}
          format={(v) => formatMoney(v, true)}
        />
        <BarChart
          title="Services per year"
          bars={years.map((y) => ({ label: String(y.year), value: y.services }))}
          format={formatCount}
        />
      </div>
      {top.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption>Top procedures, {latest}</caption>
            <thead>
              <tr>
                <th scope="col">Procedure</th>
                <th scope="col" className="num">
                  Services
                </th>
                <th scope="col" className="num">
                  Avg. paid
                </th>
              </tr>
            </thead>
            <tbody>
              {top.map((p) => (
                <tr key={`${p.code}-${p.description}`}>
                  <td>
                    <span className="code">{p.code}</span> {p.description}
                  </td>
                  <td className="num">{formatCount(p.services)}</td>
                  <td className="num">{formatMoney(p.avgPaymentCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

export function PartDSection({ profile }: { profile: Profile }) {
  const { years, topDrugs } = profile.partd;
  const latest = years.at(-1)?.year;
  const top = topDrugs.filter((d) => d.year === latest);
  return (
    <Section
      id="partd"
      title="Medicare Part D prescribing"
      sources={yearSources(years)}
      empty={years.length === 0}
      emptyText="No Medicare Part D prescriptions reported."
    >
      <div className="charts">
        <BarChart
          title="Claims per year"
          bars={years.map((y) => ({ label: String(y.year), value: y.claims }))}
          format={formatCount}
        />
        <BarChart
          title="Drug cost per year"
          bars={years.map((y) => ({ label: String(y.year), value: y.costCents }))}
          format={(v) => formatMoney(v, true)}
        />
      </div>
      {top.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption>Top drugs, {latest}</caption>
            <thead>
              <tr>
                <th scope="col">Drug</th>
                <th scope="col" className="num">
                  Claims
                </th>
                <th scope="col" className="num">
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {top.map((d) => (
                <tr key={`${d.brand}-${d.generic}`}>
                  <td>
                    {d.brand}
                    {d.generic && d.generic !== d.brand && (
                      <span className="muted"> ({d.generic})</span>
                    )}
                  </td>
                  <td className="num">{formatCount(d.claims)}</td>
                  <td className="num">{formatMoney(d.costCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function AmountList({
  title,
  items,
}: {
  title: string;
  items: Array<{ label: string; amountCents: number; payments: number }>;
}) {
  if (items.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>{title}</caption>
        <tbody>
          {items.map((a) => (
            <tr key={a.label}>
              <th scope="row">{a.label}</th>
              <td className="num">{formatMoney(a.amountCents)}</td>
              <td className="num muted">
                {a.payments} {a.payments === 1 ? 'payment' : 'payments'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PaymentsSection({ profile }: { profile: Profile }) {
  const p = profile.payments;
  return (
    <Section
      id="payments"
      title="Open Payments (industry payments)"
      sources={p.sources}
      empty={p.years.length === 0}
      emptyText="No industry payments reported."
    >
      <BarChart
        title="Payments received per year"
        bars={p.years.map((y) => ({ label: String(y.year), value: y.amountCents }))}
        format={(v) => formatMoney(v, true)}
      />
      <AmountList title="By payer" items={p.byPayer} />
      <AmountList title="By nature of payment" items={p.byNature} />
      {p.largest.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption>Largest payments</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Payer and product</th>
                <th scope="col" className="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {p.largest.map((x) => (
                <tr key={x.id}>
                  <td>{formatDate(x.date)}</td>
                  <td>
                    {x.payer}
                    {x.product && <span className="muted"> · {x.product}</span>}
                    {x.nature && <span className="muted"> · {x.nature}</span>}
                  </td>
                  <td className="num">{formatMoney(x.amountCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
