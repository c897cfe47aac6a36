#!/usr/bin/env python3
"""Adds (or refreshes) the targeting modules' paths and schemas (markets, territories) in api/openapi.json,
keeping its formatting (json.dumps indent=2). Run after changing their routes:
/usr/bin/python3 server/markets/tools/openapi_targeting.py"""
import json
import os

SPEC = os.path.join(os.path.dirname(__file__), "..", "..", "..", "api", "openapi.json")

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
P = {"$ref": "#/components/responses/BadRequest"}
U = {"$ref": "#/components/responses/Unauthorized"}
N = {"$ref": "#/components/responses/NotFound"}
F = {"description": "Your role may not use this endpoint", "content": PROBLEM}
C = {"description": "Conflict", "content": PROBLEM}
PF = {"description": "Stale If-Match", "content": PROBLEM}
UN = {"description": "Refused geometry or request, with a report naming the problem", "content": PROBLEM}
SEC = [{"bearerAuth": []}]


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def ok(schema, desc="OK", code="200"):
    return {code: {"description": desc, "content": {"application/json": {"schema": schema}}}}


def op(op_id, summary, responses, request=None, params=None, tag="markets"):
    o = {"operationId": op_id, "tags": [tag], "summary": summary, "responses": responses, "security": SEC}
    if request:
        o["requestBody"] = request
    if params:
        o["parameters"] = params
    return o


def q(name, desc, schema=None, required=False):
    return {"name": name, "in": "query", "required": required, "description": desc,
            "schema": schema or {"type": "string"}}


ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False,
            "description": "ETag (version) read before; 412 when stale", "schema": {"type": "string"}}
PAGE = [q("limit", "1 to 200 (default 50)", {"type": "integer", "minimum": 1, "maximum": 200}),
        q("cursor", "next_cursor of the previous page")]
SORT = q("sort", "volume, score, growth, competitor_share, competitor_payments, decile or npi; prefix - for descending")
YEAR = q("year", "Data year (default: the latest with metrics)", {"type": "integer"})
MARKET_Q = q("market_id", "The market whose metrics to use", {"type": "string", "format": "uuid"}, True)


def obj(props, required=(), extra=False):
    return {"type": "object", "additionalProperties": extra, "required": list(required), "properties": props}


def s(**kw):
    return dict({"type": "string"}, **kw)


def arr(items):
    return {"type": "array", "items": items}


NUM = {"type": "number"}
NNUM = {"type": "number", "nullable": True}
INT = {"type": "integer"}
NINT = {"type": "integer", "nullable": True}
STRS = arr(s())

MARKET_FIELDS = {
    "name": s(maxLength=200), "description": s(nullable=True, maxLength=2000),
    "partd_generic_names": dict(STRS, description="Part D generic names in the basket (case-insensitive)"),
    "partd_brand_names": dict(STRS, description="Part D brand names in the basket"),
    "hcpcs_codes": dict(STRS, description="Part B HCPCS codes in the basket (5 characters)"),
    "own_products": dict(STRS, description="The organisation's products: Part D brand names or HCPCS codes"),
    "competitor_products": dict(STRS, description="Competitors' products: Part D brand names or HCPCS codes"),
    "own_manufacturers": dict(STRS, description="Manufacturers as named in Open Payments (payer name)"),
    "competitor_manufacturers": dict(STRS, description="Competitor manufacturers as named in Open Payments"),
    "target_ccns": dict(STRS, description="Target hospitals (CCNs) of this market"),
}

METRICS = obj({"npi": s(), "data_year": INT, "state": s(nullable=True), "volume": NUM, "beneficiaries": NINT,
               "cost_cents": INT, "currency": s(), "prev_volume": NNUM, "growth": NNUM, "own_volume": NUM,
               "competitor_volume": NUM, "own_share": NNUM, "competitor_share": NNUM,
               "competitor_payments_cents": INT, "own_payments_cents": INT, "affiliated": {"type": "boolean"},
               "decile_national": INT, "decile_state": NINT, "score": NUM},
              ["npi", "data_year", "volume", "decile_national", "score"])

SCHEMAS = {
    "Market": obj(dict(MARKET_FIELDS, id=s(format="uuid"), client_id=s(nullable=True), version=INT,
                       created_at=s(format="date-time"), updated_at=s(format="date-time")),
                  ["id", "name", "partd_generic_names", "partd_brand_names", "hcpcs_codes", "version"]),
    "MarketCreate": obj(dict(MARKET_FIELDS, client_id=s(description="Makes retries idempotent")), ["name"]),
    "MarketUpdate": obj(MARKET_FIELDS),
    "MarketList": obj({"items": arr(ref("Market")), "next_cursor": s(nullable=True)}, ["items", "next_cursor"]),
    "MarketSettings": obj({
        "weights": obj({k: NUM for k in ["decile", "growth", "competitor_share", "competitor_payments", "affiliation"]}),
        "target_ccns": STRS, "target_min_decile": INT,
        "calls_per_year": {"type": "object", "additionalProperties": NUM, "description": "decile (\"1\"..\"10\") -> calls per year"},
        "visit_minutes": INT, "visits_per_day": INT, "road_factor": NUM, "speed_kmh": NUM,
        "version": {"type": "integer", "description": "0 while the defaults were never changed"}},
        ["weights", "target_ccns", "target_min_decile", "calls_per_year", "visit_minutes", "visits_per_day",
         "road_factor", "speed_kmh", "version"]),
    "MarketSettingsUpdate": obj({
        "weights": obj({k: NUM for k in ["decile", "growth", "competitor_share", "competitor_payments", "affiliation"]}),
        "target_ccns": STRS, "target_min_decile": INT,
        "calls_per_year": {"type": "object", "additionalProperties": NUM}, "visit_minutes": INT,
        "visits_per_day": INT, "road_factor": NUM, "speed_kmh": NUM}),
    "RecomputeQueued": obj({"queued": {"type": "boolean"}, "job_id": NINT}, ["queued", "job_id"]),
    "MarketSummary": obj({
        "market": ref("Market"),
        "computed": {"type": "object", "nullable": True, "properties": {
            "computed_at": s(format="date-time"), "rows": INT, "duration_ms": INT, "data_years": arr(INT)}},
        "pending_recompute": {"type": "boolean"},
        "years": arr(obj({"data_year": INT, "physicians": INT, "volume": NUM, "beneficiaries": NINT,
                          "cost_cents": INT, "currency": s(), "own_volume": NUM, "competitor_volume": NUM,
                          "own_share": NNUM, "competitor_payments_cents": INT, "affiliated_physicians": INT,
                          "deciles": arr(obj({"decile": INT, "physicians": INT, "volume": NUM, "min_volume": NUM,
                                              "max_volume": NUM}))}, extra=True))},
        ["market", "years", "pending_recompute"]),
    "MarketMetrics": METRICS,
    "MarketPhysicianList": obj({"market_id": s(format="uuid"), "data_year": NINT,
                                "items": arr(obj({"name": s(nullable=True), "metrics": ref("MarketMetrics")})),
                                "next_cursor": s(nullable=True)}, ["items", "next_cursor"]),
    "TargetList": obj({"market_id": s(format="uuid"), "territory_id": s(format="uuid"), "data_year": NINT,
                       "items": arr(obj({"npi": s(), "name": s(nullable=True), "credential": s(nullable=True),
                                         "city": s(nullable=True), "state": s(nullable=True),
                                         "zip5": s(nullable=True), "lat": NNUM, "lng": NNUM,
                                         "decile_territory": NINT, "metrics": ref("MarketMetrics")})),
                       "next_cursor": s(nullable=True)}, ["items", "next_cursor"]),
}

NO_CONTENT = {"204": {"description": "Deleted"}}
CSV = {"text/csv": {"schema": {"type": "string"}}}

PATHS = {
    "/api/v1/markets": {
        "get": op("listMarkets", "Markets of the organisation (everyone in it reads them)",
                  dict(ok(ref("MarketList")), **{"400": P, "401": U}), params=PAGE),
        "post": op("createMarket", "Define a market: a basket of Part D names and/or HCPCS codes with own and "
                                   "competitor products and manufacturers (201; 200 when client_id was seen). Queues a recompute.",
                   dict(ok(ref("Market"), "Created", "201"), **ok(ref("Market"), "Already created with this client_id"),
                        **{"400": P, "401": U, "403": F, "409": C}), body(ref("MarketCreate")))},
    "/api/v1/markets/settings": {
        "get": op("getMarketSettings", "Targeting settings: score weights, target hospitals, workload model",
                  dict(ok(ref("MarketSettings")), **{"401": U})),
        "patch": op("updateMarketSettings", "Change targeting settings (audited; queues a recompute)",
                    dict(ok(ref("MarketSettings")), **{"400": P, "401": U, "403": F, "412": PF}),
                    body(ref("MarketSettingsUpdate")), params=[IF_MATCH])},
    "/api/v1/markets/{id}": {
        "get": op("getMarket", "One market", dict(ok(ref("Market")), **{"401": U, "404": N}), params=[ID]),
        "patch": op("updateMarket", "Change a market (audited with before/after; queues a recompute)",
                    dict(ok(ref("Market")), **{"400": P, "401": U, "403": F, "404": N, "412": PF}),
                    body(ref("MarketUpdate")), params=[ID, IF_MATCH]),
        "delete": op("deleteMarket", "Delete a market (soft delete; its metrics are dropped)",
                     dict(NO_CONTENT, **{"401": U, "403": F, "404": N, "412": PF}), params=[ID, IF_MATCH])},
    "/api/v1/markets/{id}/recompute": {
        "post": op("recomputeMarket", "Queue a recompute of the market's metrics (job markets.recompute)",
                   dict(ok(ref("RecomputeQueued"), "Queued", "202"), **{"401": U, "403": F, "404": N}), params=[ID])},
    "/api/v1/markets/{id}/summary": {
        "get": op("marketSummary", "Totals, own share, competitor payments and decile bands per data year",
                  dict(ok(ref("MarketSummary")), **{"401": U, "404": N}), params=[ID])},
    "/api/v1/markets/{id}/physicians": {
        "get": op("marketPhysicians", "Metrics per physician within the market (national), sortable, paginated",
                  dict(ok(ref("MarketPhysicianList")), **{"400": P, "401": U, "404": N}),
                  params=[ID, YEAR, SORT, q("state", "Two-letter state"),
                          q("min_decile", "Lowest national decile", {"type": "integer", "minimum": 1, "maximum": 10}),
                          q("npi", "One physician")] + PAGE)},
    "/api/v1/markets/{id}/targets": {
        "get": op("marketTargets", "Target list of one territory (default sort -score); format=csv exports every "
                                   "row (audited as markets.targets.export)",
                  {"200": {"description": "OK", "content": dict({"application/json": {"schema": ref("TargetList")}}, **CSV)},
                   "400": P, "401": U, "404": N},
                  params=[ID, q("territory_id", "Territory (one the caller may read)", {"type": "string", "format": "uuid"}, True),
                          YEAR, SORT, q("min_decile", "Lowest national decile", {"type": "integer", "minimum": 1, "maximum": 10}),
                          q("format", "json (default) or csv", {"type": "string", "enum": ["json", "csv"]})] + PAGE)},
}

# ---- Territories -------------------------------------------------------------------------------------------------
GEOMETRY = {"type": "object", "nullable": True,
            "description": "GeoJSON Polygon or MultiPolygon, [longitude, latitude] in WGS 84",
            "required": ["type", "coordinates"],
            "properties": {"type": s(enum=["Polygon", "MultiPolygon"]), "coordinates": {"type": "array", "items": {}}}}
LEVEL = s(enum=["nation", "region", "district", "territory"])
REPAIR = q("repair", "true: repair bad geometry (close rings, swap lat/lng, ST_MakeValid) and report what changed",
           {"type": "boolean"})
LOAD = obj({"territory_id": s(format="uuid"), "name": s(), "physicians": INT, "targets": INT, "market_volume": NUM,
            "visits_per_year": NUM, "visit_hours": NUM, "travel_hours": NUM, "workload_hours": NUM,
            "target_area_km2": NUM})
MODEL = obj({"target_min_decile": INT, "calls_per_year": {"type": "object", "additionalProperties": NUM},
             "visit_minutes": INT, "visits_per_day": INT, "road_factor": NUM, "speed_kmh": NUM})
MOVE = obj({"zip": s(pattern="^[0-9]{5}$"), "from_territory_id": s(format="uuid"), "to_territory_id": s(format="uuid"),
            "from_name": s(), "to_name": s(), "physicians": INT, "targets": INT, "visits_per_year": NUM,
            "market_volume": NUM}, ["zip", "from_territory_id", "to_territory_id"])

SCHEMAS.update({
    "Territory": obj({"id": s(format="uuid"), "name": s(), "level": LEVEL, "parent_id": s(format="uuid", nullable=True),
                      "geometry": GEOMETRY, "zips": STRS, "excluded_zips": dict(STRS, description="ZIPs moved out of the area by an alignment"),
                      "user_ids": arr(s(format="uuid")), "physicians": INT, "area_km2": NNUM,
                      "client_id": s(nullable=True), "version": INT, "created_at": s(format="date-time"),
                      "updated_at": s(format="date-time"),
                      "repair_report": {"type": "object", "description": "Only when repair=true changed the geometry",
                       "properties": {"repaired": {"type": "boolean"}, "changes": STRS, "invalid_reason": s()}}},
                     ["id", "name", "level", "parent_id", "zips", "user_ids", "version"]),
    "TerritoryCreate": obj({"name": s(maxLength=200), "level": LEVEL, "parent_id": s(format="uuid", nullable=True),
                            "geometry": GEOMETRY, "zips": arr(s(pattern="^[0-9]{5}$")), "user_ids": arr(s(format="uuid")),
                            "client_id": s(description="Makes retries idempotent")}, ["name", "level"]),
    "TerritoryUpdate": obj({"name": s(maxLength=200), "level": LEVEL, "parent_id": s(format="uuid", nullable=True),
                            "geometry": GEOMETRY, "zips": arr(s(pattern="^[0-9]{5}$")),
                            "excluded_zips": arr(s(pattern="^[0-9]{5}$")), "user_ids": arr(s(format="uuid"))}),
    "TerritoryList": obj({"items": arr(ref("Territory")), "next_cursor": s(nullable=True)}, ["items", "next_cursor"]),
    "TerritoryPhysicianList": obj({"territory_id": s(format="uuid"), "items": arr(obj({
        "npi": s(), "name": s(nullable=True), "credential": s(nullable=True), "line1": s(nullable=True),
        "city": s(nullable=True), "state": s(nullable=True), "zip5": s(nullable=True), "lat": NNUM, "lng": NNUM,
        "address_id": INT})), "next_cursor": s(nullable=True)}, ["items", "next_cursor"]),
    "TerritoryDeciles": obj({"territory_id": s(format="uuid"), "market_id": s(format="uuid"), "data_year": NINT,
                             "physicians": INT, "with_volume": INT, "targets": INT,
                             "national": arr(obj({"decile": INT, "physicians": INT, "volume": NUM})),
                             "territory": arr(obj({"decile": INT, "physicians": INT}))}),
    "BalanceReport": obj({"parent_id": s(format="uuid"), "market_id": s(format="uuid"), "data_year": NINT,
                          "model": MODEL, "territories": arr(LOAD), "workload_spread_hours": NUM,
                          "mean_workload_hours": NUM}),
    "AlignmentSuggestion": obj({"parent_id": s(format="uuid"), "market_id": s(format="uuid"), "data_year": NINT,
                                "model": MODEL, "moves": arr(MOVE), "before": arr(LOAD), "after": arr(LOAD),
                                "workload_spread_before_hours": NUM, "workload_spread_after_hours": NUM}),
    "AlignmentAccept": obj({"moves": arr(dict(MOVE, additionalProperties=True))}, ["moves"]),
    "AlignmentApplied": obj({"parent_id": s(format="uuid"), "applied": INT,
                             "territories": {"type": "object", "additionalProperties": obj({"zips": STRS, "excluded_zips": STRS})}}),
})

T = "territories"
PATHS.update({
    "/api/v1/territories": {
        "get": op("listTerritories", "Territories the caller may read (admins: all; others: assigned to them or "
                                     "their team, and below)", dict(ok(ref("TerritoryList")), **{"400": P, "401": U}),
                  params=PAGE + [q("parent_id", "Children of this territory", {"type": "string", "format": "uuid"}),
                                 q("level", "nation, region, district or territory")], tag=T),
        "post": op("createTerritory", "Create a territory: area (GeoJSON) and/or ZIPs, parent, assigned users. Bad "
                                      "geometry or overlap with siblings: 422 naming the problem (repair=true repairs geometry)",
                   dict(ok(ref("Territory"), "Created", "201"), **ok(ref("Territory"), "Already created with this client_id"),
                        **{"400": P, "401": U, "403": F, "409": C, "422": UN}), body(ref("TerritoryCreate")),
                   params=[REPAIR], tag=T)},
    "/api/v1/territories/{id}": {
        "get": op("getTerritory", "One territory", dict(ok(ref("Territory")), **{"401": U, "404": N}), params=[ID], tag=T),
        "patch": op("updateTerritory", "Change a territory (audited; memberships rebuilt)",
                    dict(ok(ref("Territory")), **{"400": P, "401": U, "403": F, "404": N, "412": PF, "422": UN}),
                    body(ref("TerritoryUpdate")), params=[ID, IF_MATCH, REPAIR], tag=T),
        "delete": op("deleteTerritory", "Delete a territory without children (soft delete)",
                     dict(NO_CONTENT, **{"401": U, "403": F, "404": N, "409": C, "412": PF}), params=[ID, IF_MATCH], tag=T)},
    "/api/v1/territories/{id}/physicians": {
        "get": op("territoryPhysicians", "Physicians of the territory (practice location covered by its area or in "
                                         "its ZIPs), by NPI", dict(ok(ref("TerritoryPhysicianList")), **{"400": P, "401": U, "404": N}),
                  params=[ID] + PAGE, tag=T)},
    "/api/v1/territories/{id}/deciles": {
        "get": op("territoryDeciles", "Physicians and targets per national and territory decile of a market",
                  dict(ok(ref("TerritoryDeciles")), **{"400": P, "401": U, "404": N}), params=[ID, MARKET_Q, YEAR], tag=T)},
    "/api/v1/territories/{id}/balance": {
        "get": op("territoryBalance", "Balance report across the territory's children: targets, market volume, "
                                      "visits and travel (docs/territories.md)",
                  dict(ok(ref("BalanceReport")), **{"400": P, "401": U, "404": N}), params=[ID, MARKET_Q], tag=T)},
    "/api/v1/territories/{id}/alignment": {
        "get": op("territoryAlignment", "Suggested whole-ZIP moves between neighbouring children that even out "
                                        "workload, as a diff with before/after",
                  dict(ok(ref("AlignmentSuggestion")), **{"400": P, "401": U, "404": N}),
                  params=[ID, MARKET_Q, q("max_moves", "1 to 200 (default 20)", {"type": "integer"})], tag=T),
        "post": op("acceptAlignment", "Apply the moves of a suggestion (audited; 409 when a move is stale)",
                   dict(ok(ref("AlignmentApplied")), **{"400": P, "401": U, "403": F, "404": N, "409": C}),
                   body(ref("AlignmentAccept")), params=[ID], tag=T)},
})

with open(SPEC) as f:
    spec = json.load(f)
spec["paths"].update(PATHS)
spec["components"]["schemas"].update(SCHEMAS)
with open(SPEC, "w") as f:
    f.write(json.dumps(spec, indent=2, ensure_ascii=False) + "\n")
