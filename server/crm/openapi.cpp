#include "crm/openapi.h"

#include <boost/json.hpp>

#include "crm/entity.h"
#include "crm/service.h"

namespace rounds::crm {

namespace json = boost::json;

namespace {

std::string Pascal(std::string_view words) {
    std::string out;
    bool up = true;
    for (char c : words) {
        if (c == ' ' || c == '-' || c == '_') {
            up = true;
            continue;
        }
        out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        up = false;
    }
    return out;
}

json::object Ref(std::string_view name) {
    return json::object{{"$ref", "#/components/schemas/" + std::string(name)}};
}

json::object ResponseRef(std::string_view name) {
    return json::object{{"$ref", "#/components/responses/" + std::string(name)}};
}

json::object Problem(std::string description) {
    return json::object{
        {"description", std::move(description)},
        {"content", json::object{{"application/problem+json", json::object{{"schema", Ref("Problem")}}}}}};
}

json::object JsonContent(json::object schema) {
    return json::object{{"application/json", json::object{{"schema", std::move(schema)}}}};
}

json::object Ok(std::string description, json::object schema) {
    return json::object{{"description", std::move(description)}, {"content", JsonContent(std::move(schema))}};
}

json::object FieldSchema(const Field& f, bool request) {
    json::object s;
    switch (f.type) {
        case FieldType::kText:
            s["type"] = "string";
            if (f.max_length > 0) {
                s["maxLength"] = f.max_length;
            }
            break;
        case FieldType::kInt:
            s["type"] = "integer";
            break;
        case FieldType::kNumeric:
        case FieldType::kDouble:
            s["type"] = "number";
            break;
        case FieldType::kBool:
            s["type"] = "boolean";
            break;
        case FieldType::kUuid:
            s["type"] = "string";
            s["format"] = "uuid";
            break;
        case FieldType::kTimestamp:
            s["type"] = "string";
            s["format"] = "date-time";
            break;
        case FieldType::kDate:
            s["type"] = "string";
            s["format"] = "date";
            break;
        case FieldType::kObject:
            s["type"] = "object";
            s["additionalProperties"] = true;
            break;
        case FieldType::kJson:
            break;
        case FieldType::kTextArray:
        case FieldType::kUuidArray:
        case FieldType::kNpiArray: {
            json::object item;
            if (f.type == FieldType::kNpiArray) {
                item["type"] = "integer";
            } else {
                item["type"] = "string";
                if (f.type == FieldType::kUuidArray) {
                    item["format"] = "uuid";
                }
                if (!f.values.empty()) {
                    json::array v;
                    for (const auto& x : f.values) {
                        v.emplace_back(x);
                    }
                    item["enum"] = std::move(v);
                }
            }
            s["type"] = "array";
            s["items"] = std::move(item);
            if (f.max_length > 0) {
                s["maxItems"] = f.max_length;
            }
            break;
        }
        case FieldType::kNpi:
            s["type"] = "integer";
            s["description"] = request ? "NPI (10 digits, valid check digit; a string is accepted too)" : "NPI";
            break;
    }
    if (!f.values.empty() && f.type == FieldType::kText) {
        json::array v;
        for (const auto& x : f.values) {
            v.emplace_back(x);
        }
        s["enum"] = std::move(v);
    }
    if (f.min && (f.type == FieldType::kInt || f.type == FieldType::kNumeric || f.type == FieldType::kDouble)) {
        s["minimum"] = *f.min;
    }
    if (f.max && (f.type == FieldType::kInt || f.type == FieldType::kNumeric || f.type == FieldType::kDouble)) {
        s["maximum"] = *f.max;
    }
    if (f.nullable) {
        s["nullable"] = true;
    }
    return s;
}

json::object Str(std::string format = {}, bool nullable = false) {
    json::object s{{"type", "string"}};
    if (!format.empty()) {
        s["format"] = std::move(format);
    }
    if (nullable) {
        s["nullable"] = true;
    }
    return s;
}

json::array Strings(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& x : v) {
        a.emplace_back(x);
    }
    return a;
}

/// Body members a call create accepts besides its fields: the whole visit in one POST.
void CallExtras(json::object& props) {
    props["samples"] = json::object{{"type", "array"}, {"maxItems", 50}, {"items", Ref("CallSampleInput")}};
    props["spend"] = json::object{{"type", "array"}, {"maxItems", 20}, {"items", Ref("SpendItemInput")}};
    props["signature"] = json::object{
        {"type", "string"},
        {"description", "recipient's signature, base64 PNG or JPEG (with submit: true); stored in object storage"}};
    props["submit"] =
        json::object{{"type", "boolean"}, {"description", "complete, sign and lock the call in the same request"}};
}

json::object Param(std::string name, std::string in, json::object schema, bool required, std::string description) {
    json::object p{
        {"name", std::move(name)}, {"in", std::move(in)}, {"required", required}, {"schema", std::move(schema)}};
    if (!description.empty()) {
        p["description"] = std::move(description);
    }
    return p;
}

json::object IdParam() {
    return Param("id", "path", Str("uuid"), true, "");
}

json::object IfMatchParam(bool required) {
    return Param("If-Match", "header", Str(), required,
                 required ? "ETag (version) read before; 412 when stale or missing" : "ETag (version); 412 when stale");
}

json::object Operation(std::string id, std::string summary, json::object responses, bool auth = true) {
    responses["401"] = ResponseRef("Unauthorized");
    json::object op{{"operationId", std::move(id)},
                    {"tags", json::array{"crm"}},
                    {"summary", std::move(summary)},
                    {"responses", std::move(responses)}};
    if (auth) {
        op["security"] = json::array{json::object{{"bearerAuth", json::array{}}}};
    }
    return op;
}

}  // namespace

json::object OpenApiFragment() {
    json::object paths, schemas;
    schemas["CallSampleInput"] = json::object{
        {"type", "object"},
        {"required", json::array{"product_id", "lot_id", "quantity"}},
        {"additionalProperties", false},
        {"properties",
         json::object{{"product_id", Str("uuid")},
                      {"lot_id", Str("uuid")},
                      {"quantity", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 10000}}}}}};
    schemas["CallSample"] = json::object{{"type", "object"},
                                         {"properties", json::object{{"id", Str("uuid")},
                                                                     {"product_id", Str("uuid")},
                                                                     {"lot_id", Str("uuid")},
                                                                     {"quantity", json::object{{"type", "integer"}}}}}};
    schemas["SpendItemInput"] = json::object{
        {"type", "object"},
        {"required", json::array{"kind", "amount"}},
        {"additionalProperties", false},
        {"properties",
         json::object{
             {"kind", json::object{{"type", "string"},
                                   {"enum", json::array{"meal", "gift", "travel", "lodging", "education", "other"}}}},
             {"nature", json::object{{"type", "string"},
                                     {"enum", Strings(NatureOfPaymentValues())},
                                     {"description", "Open Payments nature of payment (default from kind)"}}},
             {"form", json::object{{"type", "string"}, {"enum", Strings(FormOfPaymentValues())}}},
             {"amount", json::object{{"type", "number"}, {"exclusiveMinimum", true}, {"minimum", 0}}},
             {"attendee_count", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}},
             {"spent_on", Str("date")},
             {"description", json::object{{"type", "string"}, {"maxLength", 500}}},
             {"recipients", json::object{{"type", "array"},
                                         {"items", json::object{{"type", "integer"}}},
                                         {"description",
                                          "covered recipients' NPIs (default: the call's physician); "
                                          "each gets amount / attendee_count"}}}}}};
    schemas["SpendItem"] = json::object{
        {"type", "object"},
        {"properties",
         json::object{{"id", Str("uuid")},
                      {"kind", Str()},
                      {"nature", Str()},
                      {"form", Str()},
                      {"amount", json::object{{"type", "number"}}},
                      {"attendee_count", json::object{{"type", "integer"}}},
                      {"spent_on", Str("date")},
                      {"description", Str({}, true)},
                      {"recipients",
                       json::object{{"type", "array"},
                                    {"items", json::object{{"type", "object"},
                                                           {"properties",
                                                            json::object{{"npi", json::object{{"type", "integer"}}},
                                                                         {"amount", json::object{{"type", "number"}}},
                                                                         {"state", Str({}, true)}}}}}}}}}};
    schemas["StageChange"] = json::object{{"type", "object"},
                                          {"properties", json::object{{"from_stage", Str({}, true)},
                                                                      {"to_stage", Str()},
                                                                      {"amount", json::object{{"type", "number"}}},
                                                                      {"at", Str("date-time")},
                                                                      {"by", Str("uuid", true)}}}};
    schemas["CallAmendmentCreate"] = json::object{
        {"type", "object"},
        {"required", json::array{"reason", "changes"}},
        {"additionalProperties", false},
        {"properties", json::object{{"reason", json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 1000}}},
                                    {"changes", json::object{{"type", "object"},
                                                             {"description",
                                                              "notes, outcome, key_messages, products, attendees, "
                                                              "duration_minutes, call_type, ends_at"},
                                                             {"additionalProperties", true}}}}}};
    schemas["CallAmendment"] = json::object{
        {"type", "object"},
        {"properties", json::object{{"id", Str("uuid")},
                                    {"call_id", Str("uuid")},
                                    {"reason", Str()},
                                    {"before", json::object{{"type", "object"}, {"additionalProperties", true}}},
                                    {"after", json::object{{"type", "object"}, {"additionalProperties", true}}},
                                    {"created_at", Str("date-time")},
                                    {"created_by", Str("uuid")}}}};
    schemas["CallAmendmentPage"] = json::object{
        {"type", "object"},
        {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", Ref("CallAmendment")}}},
                                    {"next_cursor", Str({}, true)}}}};
    schemas["CallSubmit"] =
        json::object{{"type", "object"},
                     {"additionalProperties", false},
                     {"properties", json::object{{"signature", json::object{{"type", "string"},
                                                                            {"description",
                                                                             "base64 PNG or JPEG; required when "
                                                                             "samples were dropped"}}}}}};
    schemas["Decision"] =
        json::object{{"type", "object"},
                     {"additionalProperties", false},
                     {"properties", json::object{{"note", json::object{{"type", "string"}, {"maxLength", 2000}}}}}};
    schemas["PhysicianOverrides"] = json::object{
        {"type", "object"},
        {"properties",
         json::object{{"npi", json::object{{"type", "integer"}}},
                      {"overrides",
                       json::object{{"type", "object"}, {"additionalProperties", json::object{{"type", "string"}}}}}}}};

    for (const auto& e : Entities()) {
        std::string type = Pascal(e.singular);
        std::string plural = Pascal(e.name);
        // The record as returned.
        json::object props{{"id", Str("uuid")}};
        if (e.owned) {
            props["owner_id"] = Str("uuid");
        }
        props["client_id"] = Str({}, true);
        for (const auto& f : e.fields) {
            props[f.name] = FieldSchema(f, false);
        }
        props["version"] = json::object{{"type", "integer"}};
        props["created_at"] = Str("date-time");
        props["created_by"] = Str("uuid", true);
        props["updated_at"] = Str("date-time");
        props["updated_by"] = Str("uuid", true);
        props["deleted_at"] = Str("date-time", true);
        if (e.name == "calls") {
            props["samples"] = json::object{{"type", "array"}, {"items", Ref("CallSample")}};
            props["spend"] = json::object{{"type", "array"}, {"items", Ref("SpendItem")}};
            props["submitted_at"] = Str("date-time", true);
            props["signature_path"] = Str({}, true);
            props["signature_sha256"] = Str({}, true);
        } else if (e.name == "opportunities") {
            props["stage_history"] = json::object{{"type", "array"}, {"items", Ref("StageChange")}};
            props["stage_changed_at"] = Str("date-time");
        } else if (e.name == "change-requests") {
            props["decided_by"] = Str("uuid", true);
            props["decided_at"] = Str("date-time", true);
            props["decision_note"] = Str({}, true);
        }
        json::array required{"id", "version", "created_at", "updated_at"};
        schemas[type] = json::object{{"type", "object"}, {"required", required}, {"properties", props}};
        // Create and update bodies.
        json::object create_props, update_props;
        json::array create_required;
        if (e.routed) {
            create_props["client_id"] =
                json::object{{"type", "string"},
                             {"maxLength", 100},
                             {"description",
                              "client-chosen id: a create retried with the same client_id returns the first "
                              "result and writes nothing"}};
        }
        if (e.owned) {
            json::object owner = Str("uuid");
            owner["description"] = "managers: a member of their team; admins: any user; reps: themselves only";
            create_props["owner_id"] = owner;
            update_props["owner_id"] = owner;
        }
        for (const auto& f : e.fields) {
            if (f.read_only) {
                continue;
            }
            create_props[f.name] = FieldSchema(f, true);
            update_props[f.name] = FieldSchema(f, true);
            if (f.required) {
                create_required.emplace_back(f.name);
            }
        }
        if (e.name == "calls") {
            CallExtras(create_props);
        } else if (e.name == "sample-lots") {
            create_props["quantity"] =
                json::object{{"type", "integer"}, {"minimum", 0}, {"description", "units received with the lot"}};
        }
        json::object create{{"type", "object"}, {"additionalProperties", false}, {"properties", create_props}};
        if (!create_required.empty()) {
            create["required"] = create_required;
        }
        if (e.routed) {
            schemas[type + "Create"] = create;
        }
        schemas[type + "Update"] =
            json::object{{"type", "object"}, {"additionalProperties", false}, {"properties", update_props}};
        schemas[type + "Page"] =
            json::object{{"type", "object"},
                         {"required", json::array{"items", "next_cursor"}},
                         {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", Ref(type)}}},
                                                     {"next_cursor", Str({}, true)}}}};
        if (!e.routed) {
            continue;
        }
        const std::string base = "/api/v1/" + e.name;
        json::array list_params{
            Param("limit", "query", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 200}}, false,
                  "1 to 200 (default 50)"),
            Param("cursor", "query", Str(), false, "next_cursor of the previous page"),
            Param("sort", "query", Str(), false, "field or -field (default " + e.default_sort + ")"),
            Param("from", "query", Str(), false, e.time_field + " at or after (date or RFC 3339)"),
            Param("to", "query", Str(), false, e.time_field + " before (date or RFC 3339)")};
        if (e.owned) {
            list_params.push_back(Param("owner_id", "query", Str("uuid"), false, "rows of one visible user"));
        }
        for (const auto& f : e.fields) {
            if (f.filterable) {
                json::object fs = FieldSchema(f, true);
                if (fs.contains("items")) {
                    fs = fs["items"].as_object();  // a tag filter names one element
                }
                fs.erase("nullable");
                fs.erase("description");
                fs.erase("maxItems");
                list_params.push_back(Param(f.name, "query", fs, false, "equals"));
            }
        }
        json::object coll;
        coll["get"] =
            Operation("list" + plural, "List " + e.name + " you may see (cursor pages)",
                      json::object{{"200", Ok("OK", Ref(type + "Page"))}, {"400", ResponseRef("BadRequest")}});
        coll["get"].as_object()["parameters"] = list_params;
        json::object post =
            Operation("create" + type, "Create a " + e.singular + " (idempotent by client_id)",
                      json::object{{"201", Ok("Created (or the earlier result of the same client_id)", Ref(type))},
                                   {"400", ResponseRef("BadRequest")},
                                   {"403", Problem("Your role may not create these")},
                                   {"409", Problem("Conflict (e.g. a second account for the same NPI)")},
                                   {"422", Problem("Refused by a rule (restriction, sampling state, inventory...)")}});
        post["requestBody"] = json::object{{"required", true}, {"content", JsonContent(Ref(type + "Create"))}};
        coll["post"] = post;
        paths[base] = coll;

        json::object exp = Operation(
            "export" + plural, "Every row of the filtered list as CSV or XLSX (audited)",
            json::object{
                {"200", json::object{{"description", "The file"},
                                     {"content",
                                      json::object{{"text/csv", json::object{{"schema", Str()}}},
                                                   {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                                    json::object{{"schema", Str("binary")}}}}}}},
                {"400", ResponseRef("BadRequest")}});
        json::array exp_params = list_params;
        exp_params.erase(exp_params.begin(), exp_params.begin() + 2);  // no limit / cursor: all rows
        exp_params.push_back(Param("format", "query",
                                   json::object{{"type", "string"}, {"enum", json::array{"csv", "xlsx"}}}, false,
                                   "csv (default) or xlsx"));
        exp["parameters"] = exp_params;
        paths[base + "/export"] = json::object{{"get", exp}};

        json::object item;
        json::object get = Operation("get" + type, "One " + e.singular + " (ETag = version)",
                                     json::object{{"200", Ok("OK", Ref(type))}, {"404", ResponseRef("NotFound")}});
        get["parameters"] = json::array{IdParam()};
        item["get"] = get;
        json::object patch = Operation("update" + type, "Change a " + e.singular + " (If-Match required)",
                                       json::object{{"200", Ok("OK", Ref(type))},
                                                    {"400", ResponseRef("BadRequest")},
                                                    {"403", Problem("Your role may not change these")},
                                                    {"404", ResponseRef("NotFound")},
                                                    {"409", Problem("Locked (a submitted call) or not changeable")},
                                                    {"412", Problem("If-Match missing or stale")},
                                                    {"422", Problem("Refused by a rule")}});
        patch["parameters"] = json::array{IdParam(), IfMatchParam(true)};
        patch["requestBody"] = json::object{{"required", true}, {"content", JsonContent(Ref(type + "Update"))}};
        item["patch"] = patch;
        json::object del = Operation("delete" + type, "Soft-delete a " + e.singular + " (tombstone in the change log)",
                                     json::object{{"204", json::object{{"description", "Deleted"}}},
                                                  {"403", Problem("Your role may not delete these")},
                                                  {"404", ResponseRef("NotFound")},
                                                  {"409", Problem("Not deletable (ledger, submitted call)")},
                                                  {"412", Problem("Stale If-Match")}});
        del["parameters"] = json::array{IdParam(), IfMatchParam(false)};
        item["delete"] = del;
        paths[base + "/{id}"] = item;
    }

    json::object settings;
    settings["get"] = Operation("getCrmSettings", "The organisation's CRM settings (stages, sampling rules...)",
                                json::object{{"200", Ok("OK", Ref("CrmSettings"))}});
    json::object sp = Operation("updateCrmSettings", "Change CRM settings (admins; If-Match required; audited)",
                                json::object{{"200", Ok("OK", Ref("CrmSettings"))},
                                             {"400", ResponseRef("BadRequest")},
                                             {"403", Problem("Admins only")},
                                             {"412", Problem("If-Match missing or stale")}});
    sp["parameters"] = json::array{IfMatchParam(true)};
    sp["requestBody"] = json::object{{"required", true}, {"content", JsonContent(Ref("CrmSettingsUpdate"))}};
    settings["patch"] = sp;
    paths["/api/v1/crm/settings"] = settings;

    json::object submit = Operation("submitCall", "Complete, sign and lock a call (If-Match required; audited)",
                                    json::object{{"200", Ok("OK", Ref("Call"))},
                                                 {"400", ResponseRef("BadRequest")},
                                                 {"404", ResponseRef("NotFound")},
                                                 {"409", Problem("Already submitted or cancelled")},
                                                 {"412", Problem("If-Match missing or stale")}});
    submit["parameters"] = json::array{IdParam(), IfMatchParam(true)};
    submit["requestBody"] = json::object{{"required", false}, {"content", JsonContent(Ref("CallSubmit"))}};
    paths["/api/v1/calls/{id}/submit"] = json::object{{"post", submit}};

    json::object amend = Operation("amendCall", "Correct a submitted call (before/after kept; audited)",
                                   json::object{{"201", Ok("The corrected call", Ref("Call"))},
                                                {"400", ResponseRef("BadRequest")},
                                                {"404", ResponseRef("NotFound")},
                                                {"409", Problem("Not submitted: use PATCH")},
                                                {"412", Problem("If-Match missing or stale")},
                                                {"422", Problem("Refused by a rule")}});
    amend["parameters"] = json::array{IdParam(), IfMatchParam(true)};
    amend["requestBody"] = json::object{{"required", true}, {"content", JsonContent(Ref("CallAmendmentCreate"))}};
    json::object amendments =
        Operation("listCallAmendments", "A call's corrections, oldest first",
                  json::object{{"200", Ok("OK", Ref("CallAmendmentPage"))}, {"404", ResponseRef("NotFound")}});
    amendments["parameters"] = json::array{IdParam()};
    paths["/api/v1/calls/{id}/amendments"] = json::object{{"post", amend}, {"get", amendments}};

    for (bool approve : {true, false}) {
        json::object d = Operation(approve ? "approveChangeRequest" : "rejectChangeRequest",
                                   approve ? "Approve: the correction overlays the public data in this organisation"
                                           : "Reject a change request",
                                   json::object{{"200", Ok("OK", Ref("ChangeRequest"))},
                                                {"403", Problem("Admins only")},
                                                {"404", ResponseRef("NotFound")},
                                                {"409", Problem("Already decided")},
                                                {"412", Problem("Stale If-Match")},
                                                {"422", Problem("Nothing applicable proposed")}});
        d["parameters"] = json::array{IdParam(), IfMatchParam(false)};
        d["requestBody"] = json::object{{"required", false}, {"content", JsonContent(Ref("Decision"))}};
        paths[std::string("/api/v1/change-requests/{id}/") + (approve ? "approve" : "reject")] =
            json::object{{"post", d}};
    }
    json::object overlay =
        Operation("getPhysicianOverrides", "Approved corrections of a physician's public data still in force here",
                  json::object{{"200", Ok("OK", Ref("PhysicianOverrides"))}, {"400", ResponseRef("BadRequest")}});
    overlay["parameters"] = json::array{Param("npi", "path", Str(), true, "")};
    paths["/api/v1/crm/physicians/{npi}/overrides"] = json::object{{"get", overlay}};
    // Reports.
    auto num = [] { return json::object{{"type", "number"}, {"nullable", true}}; };
    auto obj = [](json::object props) { return json::object{{"type", "object"}, {"properties", std::move(props)}}; };
    auto arr = [](json::object item) { return json::object{{"type", "array"}, {"items", std::move(item)}}; };
    auto items = [&](json::object row) { return obj(json::object{{"items", arr(std::move(row))}}); };
    schemas["ActivityReport"] = items(obj({{"owner_id", Str("uuid")},
                                           {"rep", Str()},
                                           {"week", Str()},
                                           {"channel", Str()},
                                           {"status", Str()},
                                           {"calls", num()}}));
    json::object tier_row = obj({{"tier", Str()}, {"targets", num()}, {"visited", num()}, {"coverage_pct", num()}});
    json::object decile_row = obj({{"decile", json::object{{"type", "integer"}, {"nullable", true}}},
                                   {"targets", num()},
                                   {"visited", num()},
                                   {"coverage_pct", num()}});
    schemas["CoverageReport"] =
        obj({{"by", Str()},
             {"market_id", Str("uuid")},
             {"data_year", json::object{{"type", "integer"}, {"nullable", true}}},
             {"from", Str("date-time")},
             {"to", Str("date-time")},
             {"tiers", arr(tier_row)},
             {"deciles", arr(decile_row)},
             {"total", obj({{"targets", num()}, {"visited", num()}, {"coverage_pct", num()}})}});
    schemas["PipelineReport"] = obj({{"stages", arr(obj({{"stage", Str()},
                                                         {"probability", num()},
                                                         {"count", num()},
                                                         {"amount", num()},
                                                         {"weighted_amount", num()},
                                                         {"avg_days_in_stage", num()},
                                                         {"reached", num()},
                                                         {"conversion_pct", num()}}))},
                                     {"total", obj({{"count", num()}, {"amount", num()}})}});
    schemas["SpendReport"] = items(obj({{"owner_id", Str("uuid")},
                                        {"rep", Str()},
                                        {"nature", Str()},
                                        {"items", num()},
                                        {"amount", num()},
                                        {"attendees", num()}}));
    schemas["SunshineReport"] =
        obj({{"year", num()},
             {"op_min_item", num()},
             {"op_annual_threshold", num()},
             {"physicians", arr(obj({{"npi", num()},
                                     {"name", Str()},
                                     {"state", Str({}, true)},
                                     {"total", num()},
                                     {"transfers", num()},
                                     {"items", arr(obj({{"date", Str("date")},
                                                        {"amount", num()},
                                                        {"nature", Str()},
                                                        {"form", Str()},
                                                        {"running_total", num()},
                                                        {"spend_item_id", Str("uuid")},
                                                        {"reportable", json::object{{"type", "boolean"}}}}))},
                                     {"warnings", arr(Str())}}))}});
    json::object attain = obj({{"targets", num()},
                               {"reached", num()},
                               {"reach_pct", num()},
                               {"planned", num()},
                               {"done", num()},
                               {"scheduled", num()},
                               {"frequency_pct", num()}});
    json::object attain_rep = attain;
    attain_rep["properties"].as_object()["owner_id"] = Str("uuid");
    attain_rep["properties"].as_object()["rep"] = Str();
    schemas["CallPlanAttainmentReport"] =
        obj({{"cycle_start", Str("date", true)}, {"reps", arr(attain_rep)}, {"team", attain}});
    schemas["SampleReconciliationReport"] = items(obj({{"lot_id", Str("uuid")},
                                                       {"owner_id", Str("uuid")},
                                                       {"rep", Str()},
                                                       {"lot_number", Str()},
                                                       {"product_id", Str("uuid")},
                                                       {"product", Str()},
                                                       {"expires_on", Str("date")},
                                                       {"expired", json::object{{"type", "boolean"}}},
                                                       {"received", num()},
                                                       {"dropped", num()},
                                                       {"returned", num()},
                                                       {"adjusted", num()},
                                                       {"expected_on_hand", num()},
                                                       {"recorded_on_hand", num()},
                                                       {"sampled_on_calls", num()},
                                                       {"discrepancy", json::object{{"type", "boolean"}}}}));
    const std::vector<std::pair<std::string, std::string>> reports{
        {"activity", "Calls per rep per ISO week by channel and status"},
        {"coverage",
         "Share of target physicians visited in a period (default the last 90 days), by tier; by=decile&market=<id>: "
         "by the market's national decile (data year: year, else the latest)"},
        {"pipeline", "Opportunity value and count by stage, weighted value, conversion, days in stage"},
        {"spend", "Spend by rep and nature of payment"},
        {"sunshine", "Transfers of value per physician in a program year: running totals, threshold and cap warnings"},
        {"call-plan-attainment", "Reach and frequency, planned vs done vs scheduled, per rep and team"},
        {"sample-reconciliation", "Per lot: received - dropped - returned (+ adjusted) vs on hand; discrepancies"}};
    for (const auto& [name, summary] : reports) {
        json::object op = Operation(
            "report" + Pascal(name), summary + " (rep: own rows, manager: team, admin: org)",
            json::object{{"200", Ok("OK", Ref(Pascal(name) + "Report"))}, {"400", ResponseRef("BadRequest")}});
        op["parameters"] = json::array{
            Param("from", "query", Str(), false, "date or RFC 3339 time"),
            Param("to", "query", Str(), false, "date or RFC 3339 time (exclusive)"),
            Param("year", "query", json::object{{"type", "integer"}}, false,
                  "program year (sunshine; default this year)"),
            Param("npi", "query", Str(), false, "one physician (sunshine)"),
            Param("cycle_start", "query", Str("date"), false, "plans of this cycle (default: cycles running today)")};
        if (name == "coverage") {
            op["parameters"].as_array().push_back(
                Param("by", "query", json::object{{"type", "string"}, {"enum", json::array{"tier", "decile"}}}, false,
                      "group by account tier (default) or market decile"));
            op["parameters"].as_array().push_back(
                Param("market", "query", Str("uuid"), false, "the market whose deciles to use (by=decile)"));
            op["responses"].as_object()["404"] = ResponseRef("NotFound");
        }
        paths["/api/v1/reports/" + name] = json::object{{"get", op}};
    }
    json::object op_file = Operation(
        "exportOpenPayments", "Open Payments general-payment submission file (CSV) of a program year; admins; audited",
        json::object{{"200", json::object{{"description", "CSV"},
                                          {"content", json::object{{"text/csv", json::object{{"schema", Str()}}}}}}},
                     {"400", ResponseRef("BadRequest")},
                     {"403", Problem("Admins only")}});
    op_file["parameters"] = json::array{
        Param("year", "query", json::object{{"type", "integer"}}, false, "program year (default this year)")};
    paths["/api/v1/reports/sunshine/export"] = json::object{{"get", op_file}};
    // Imports.
    schemas["ImportResult"] = obj({{"import_id", Str("uuid", true)},
                                   {"kind", Str()},
                                   {"dry_run", json::object{{"type", "boolean"}}},
                                   {"applied", json::object{{"type", "boolean"}}},
                                   {"rows_total", num()},
                                   {"rows_created", num()},
                                   {"rows_updated", num()},
                                   {"errors", arr(obj({{"line", num()}, {"field", Str()}, {"message", Str()}}))}});
    for (const char* kind : {"accounts", "call-plans", "calls"}) {
        json::object op =
            Operation("import" + Pascal(kind),
                      std::string("CSV import of ") + kind +
                          " keyed by NPI: create or update; every bad line reported; dry_run keeps nothing",
                      json::object{{"200", Ok("Dry run report", Ref("ImportResult"))},
                                   {"201", Ok("Applied", Ref("ImportResult"))},
                                   {"400", ResponseRef("BadRequest")},
                                   {"415", Problem("The body is not text/csv")},
                                   {"422", Ok("Bad lines: nothing was applied", Ref("ImportResult"))}});
        op["parameters"] = json::array{Param("dry_run", "query", json::object{{"type", "boolean"}}, false,
                                             "validate only; report every bad line")};
        op["requestBody"] = json::object{{"required", true},
                                         {"content", json::object{{"text/csv", json::object{{"schema", Str()}}}}},
                                         {"description",
                                          "header line of field names (plus owner_email, owner_id, client_id); arrays "
                                          "separated by ;"}};
        paths[std::string("/api/v1/imports/") + kind] = json::object{{"post", op}};
    }
    json::object list_imports =
        Operation("listImports", "Imports you may see",
                  json::object{{"200", Ok("OK", Ref("ImportPage"))}, {"400", ResponseRef("BadRequest")}});
    list_imports["parameters"] = json::array{
        Param("limit", "query", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 200}}, false, ""),
        Param("cursor", "query", Str(), false, ""), Param("sort", "query", Str(), false, "")};
    paths["/api/v1/imports"] = json::object{{"get", list_imports}};
    json::object get_import = Operation(
        "getImport", "One import", json::object{{"200", Ok("OK", Ref("Import"))}, {"404", ResponseRef("NotFound")}});
    get_import["parameters"] = json::array{IdParam()};
    paths["/api/v1/imports/{id}"] = json::object{{"get", get_import}};
    json::object revert =
        Operation("revertImport", "Undo a whole import (created rows deleted, updated rows restored; audited)",
                  json::object{{"200", Ok("OK", Ref("Import"))},
                               {"404", ResponseRef("NotFound")},
                               {"409", Problem("Already reverted, or rows changed since")}});
    revert["parameters"] = json::array{IdParam()};
    paths["/api/v1/imports/{id}/revert"] = json::object{{"post", revert}};
    // Task reminders.
    auto nullable_str = [](std::string format) {
        json::object o = Str(std::move(format));
        o["nullable"] = true;
        return o;
    };
    schemas["TaskReminder"] =
        json::object{{"type", "object"},
                     {"properties", json::object{{"task_id", Str("uuid")},
                                                 {"title", Str()},
                                                 {"priority", Str()},
                                                 {"status", Str()},
                                                 {"due_at", nullable_str("date-time")},
                                                 {"remind_at", Str("date-time")},
                                                 {"reminder_due_at", nullable_str("date-time")},
                                                 {"version", json::object{{"type", "integer"}}}}}};
    schemas["TaskReminderPage"] = json::object{
        {"type", "object"},
        {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", Ref("TaskReminder")}}},
                                    {"next_cursor", nullable_str("")}}}};
    json::object reminders = Operation(
        "listTaskReminders",
        "The caller's task reminders that are due (remind_at passed, task open or in progress) and not acknowledged, "
        "oldest first",
        json::object{{"200", Ok("OK", Ref("TaskReminderPage"))}, {"400", ResponseRef("BadRequest")}});
    reminders["parameters"] = json::array{
        Param("limit", "query", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 200}}, false, ""),
        Param("cursor", "query", Str(), false, "")};
    paths["/api/v1/crm/tasks/reminders"] = json::object{{"get", reminders}};
    json::object ack = Operation("acknowledgeTaskReminder",
                                 "The assignee acknowledges the task's due reminder (it leaves the reminder list)",
                                 json::object{{"200", Ok("OK", Ref("Task"))},
                                              {"403", Problem("Not the task's assignee")},
                                              {"404", ResponseRef("NotFound")},
                                              {"409", Problem("No reminder due, or acknowledged already")}});
    ack["parameters"] = json::array{IdParam()};
    paths["/api/v1/tasks/{id}/reminder/acknowledge"] = json::object{{"post", ack}};
    return json::object{{"paths", paths}, {"schemas", schemas}};
}

}  // namespace rounds::crm
