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

with open(SPEC) as f:
    spec = json.load(f)
spec["paths"].update(PATHS)
spec["components"]["schemas"].update(SCHEMAS)
with open(SPEC, "w") as f:
    f.write(json.dumps(spec, indent=2, ensure_ascii=False) + "\n")
