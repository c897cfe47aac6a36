#include "crm/service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "auth/crypto.h"
#include "core/error.h"
#include "core/hash.h"
#include "crm/sql.h"

namespace rounds::crm {

namespace asio = boost::asio;
namespace json = boost::json;
using core::Error;
using core::ErrorKind;
using core::FieldError;
using tenancy::Scope;

namespace {

Error Refused(std::vector<FieldError> errors) {
    std::string detail;
    for (size_t i = 0; i < errors.size() && i < 5; ++i) {
        detail += (i ? "; " : "") + errors[i].field + ": " + errors[i].message;
    }
    return Error(ErrorKind::kUnprocessable, detail, std::move(errors));
}

Error Invalids(std::vector<FieldError> errors) {
    Error e = Refused(std::move(errors));
    return Error(ErrorKind::kInvalid, e.Detail(), e.Fields());
}

db::Param JsonParam(const json::value& v) {
    return json::serialize(v);
}

std::string Text(const json::object& o, std::string_view key, std::string fallback = {}) {
    const json::value* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : fallback;
}

std::string NpiText(const json::value& v) {
    if (v.is_int64()) {
        return std::to_string(v.as_int64());
    }
    if (v.is_uint64()) {
        return std::to_string(v.as_uint64());
    }
    return v.is_string() ? std::string(v.as_string()) : std::string();
}

std::string PgArray(const std::vector<std::string>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
        out += (i ? "," : "") + items[i];
    }
    return out + "}";
}

void RequireWriter(const Entity& e, const Scope& scope) {
    if (!e.owned && std::find(e.shared_writers.begin(), e.shared_writers.end(), scope.role) == e.shared_writers.end()) {
        throw Error(ErrorKind::kForbidden, e.name + " are changed by " + e.shared_writers.back() + "s only");
    }
}

Error Stale(const Entity& e, int64_t current) {
    return Error(ErrorKind::kPreconditionFailed,
                 "the " + e.singular + " changed since you read it (now version " + std::to_string(current) +
                     "); read it again and retry",
                 {FieldError{"If-Match", "is stale"}});
}

Error NotFoundOf(const Entity& e) {
    return core::NotFound("no such " + e.singular);
}

std::optional<double> Number(const json::value& v) {
    if (v.is_int64()) {
        return static_cast<double>(v.as_int64());
    }
    if (v.is_uint64()) {
        return static_cast<double>(v.as_uint64());
    }
    if (v.is_double()) {
        return v.as_double();
    }
    return std::nullopt;
}

std::string Money(double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.2f", v);
    return buf;
}

}  // namespace

const std::vector<std::string>& NatureOfPaymentValues() {
    static const std::vector<std::string> kValues{
        "Consulting Fee",
        "Compensation for services other than consulting, including serving as faculty or as a speaker at a venue "
        "other than a continuing education program",
        "Honoraria",
        "Gift",
        "Entertainment",
        "Food and Beverage",
        "Travel and Lodging",
        "Education",
        "Research",
        "Charitable Contribution",
        "Royalty or License",
        "Current or prospective ownership or investment interest",
        "Compensation for serving as faculty or as a speaker for an unaccredited and non-certified continuing "
        "education program",
        "Compensation for serving as faculty or as a speaker for an accredited or certified continuing education "
        "program",
        "Grant",
        "Space rental or facility fees (teaching hospital only)",
        "Long term medical supply or device loan",
        "Debt forgiveness",
        "Acquisitions"};
    return kValues;
}

const std::vector<std::string>& FormOfPaymentValues() {
    static const std::vector<std::string> kValues{"Cash or cash equivalent",
                                                  "In-kind items and services",
                                                  "Stock",
                                                  "Stock option",
                                                  "Any other ownership interest",
                                                  "Dividend, profit or other return on investment"};
    return kValues;
}

asio::awaitable<void> CrmService::Audit(db::Lease& lease, const Scope& scope, std::string action,
                                        std::string target_type, std::string target_id,
                                        std::optional<std::string> before, std::optional<std::string> after,
                                        std::optional<std::string> detail, const auth::ClientInfo& client) {
    auth::AuditEvent e;
    e.org_id = scope.org.Str();
    e.actor_id = scope.user_id;
    e.action = std::move(action);
    e.target_type = std::move(target_type);
    e.target_id = std::move(target_id);
    e.before = std::move(before);
    e.after = std::move(after);
    e.detail = std::move(detail);
    e.client = client;
    co_await auth::WriteAudit(lease, e);
}

asio::awaitable<Settings> CrmService::LoadSettings(db::Lease& lease, const Scope& scope) {
    db::Result r = co_await lease.Exec(sql::kSettings, scope.org.Str());
    if (r.Rows() == 0) {
        co_await lease.Exec(sql::kEnsureSettings, scope.org.Str(), scope.user_id);
        r = co_await lease.Exec(sql::kSettings, scope.org.Str());
    }
    json::object o = json::parse(r.Get(0, 0)).as_object();
    Settings s;
    s.stages = o["opportunity_stages"].as_array();
    for (const auto& x : o["sampling_states"].as_array()) {
        s.sampling_states.emplace_back(x.as_string());
    }
    for (const auto& x : o["call_types"].as_array()) {
        s.call_types.emplace_back(x.as_string());
    }
    s.spend_caps = o["spend_caps"].as_object();
    s.op_min_item = Number(o["op_min_item"]).value_or(13.82);
    s.op_annual_threshold = Number(o["op_annual_threshold"]).value_or(138.13);
    s.account_schema = o["account_fields_schema"];
    co_return s;
}

asio::awaitable<void> CrmService::CheckRefs(db::Lease& lease, const Scope& scope, const Entity& entity,
                                            const json::object& fields) {
    std::vector<FieldError> errors;
    std::vector<std::pair<std::string, std::string>> npis;  // path, npi
    for (const auto& f : entity.fields) {
        const json::value* v = fields.if_contains(f.name);
        if (v == nullptr || v->is_null()) {
            continue;
        }
        if (f.type == FieldType::kNpi) {
            npis.emplace_back(f.name, NpiText(*v));
        } else if (f.type == FieldType::kNpiArray) {
            for (size_t i = 0; i < v->as_array().size(); ++i) {
                npis.emplace_back(f.name + "[" + std::to_string(i) + "]", NpiText(v->as_array()[i]));
            }
        }
        if (f.ref.empty() || (entity.name == "calls" && f.name == "products")) {
            continue;  // a call's products: BeforeWrite reads them once with their state
        }
        std::vector<std::pair<std::string, std::string>> ids;
        if (v->is_string()) {
            ids.emplace_back(f.name, std::string(v->as_string()));
        } else if (v->is_array()) {
            for (size_t i = 0; i < v->as_array().size(); ++i) {
                ids.emplace_back(f.name + "[" + std::to_string(i) + "]", std::string(v->as_array()[i].as_string()));
            }
        }
        if (ids.empty()) {
            continue;
        }
        std::vector<std::string> list;
        for (const auto& [path, id] : ids) {
            list.push_back(id);
        }
        db::Result r = co_await lease.Exec(sql::RefCheck(f.ref), scope.org.Str(), PgArray(list));
        std::set<std::string, std::less<>> found;
        for (int i = 0; i < r.Rows(); ++i) {
            found.emplace(r.Get(i, 0));
        }
        for (const auto& [path, id] : ids) {
            if (!found.contains(id)) {
                std::string what = f.ref == "sample_lot" ? "sample lot" : f.ref;
                errors.push_back(
                    {path, "no such " + what + " " + id + " in your organisation (or not visible to you)"});
            }
        }
    }
    if (!npis.empty()) {
        std::vector<std::string> list;
        for (const auto& [path, npi] : npis) {
            list.push_back(npi);
        }
        db::Result r = co_await lease.Exec(sql::kKnownNpis, PgArray(list));
        std::set<std::string, std::less<>> found;
        for (int i = 0; i < r.Rows(); ++i) {
            found.emplace(r.Get(i, 0));
        }
        for (const auto& [path, npi] : npis) {
            if (!found.contains(npi)) {
                errors.push_back({path, "no physician with NPI " + npi + " in the public NPPES data"});
            }
        }
    }
    if (!errors.empty()) {
        throw Refused(std::move(errors));
    }
}

asio::awaitable<void> CrmService::CheckOwner(db::Lease& lease, const Scope& scope, const Entity& entity,
                                             const std::optional<std::string>& owner) {
    if (!owner || !entity.owned || *owner == scope.user_id) {
        co_return;
    }
    if (scope.role == "rep") {
        throw core::Invalid("owner_id", "a rep's records are their own; leave owner_id out");
    }
    static const db::Statement kOwnerOk{
        "crm_owner_ok",
        "SELECT 1 FROM crm.app_user u WHERE u.org_id = $1 AND u.id = $2 AND u.deleted_at IS NULL "
        "AND (crm.current_app_role() = 'admin' OR u.id IN (SELECT unnest(crm.visible_user_ids())))"};
    db::Result r = co_await lease.Exec(kOwnerOk, scope.org.Str(), *owner);
    if (r.Rows() == 0) {
        throw Refused(
            {{"owner_id", scope.role == "admin" ? "no such user in your organisation" : "not a member of your team"}});
    }
}

asio::awaitable<void> CrmService::ReadCallFacts(db::Lease& lease, const Scope& scope, const std::string& npi,
                                                const std::vector<std::string>& product_ids, CallFacts& out) {
    db::Result rs = co_await lease.Exec(sql::kRestrictions, scope.org.Str(), npi);
    for (int i = 0; i < rs.Rows(); ++i) {
        out.restrictions.push_back({std::string(rs.Get(i, 0)), std::string(rs.Get(i, 1)), std::string(rs.Get(i, 2))});
    }
    if (!product_ids.empty()) {
        db::Result pr = co_await lease.Exec(sql::kProducts, scope.org.Str(), PgArray(product_ids));
        out.queried.insert(product_ids.begin(), product_ids.end());
        for (int k = 0; k < pr.Rows(); ++k) {
            out.products[std::string(pr.Get(k, 0))] = {std::string(pr.Get(k, 1)), pr.GetBool(k, 2), pr.GetBool(k, 3)};
        }
    }
    out.loaded = true;
}

asio::awaitable<void> CrmService::BeforeWrite(db::Lease& lease, const Scope& scope, const Entity& entity,
                                              const json::object& merged, const json::object& changed,
                                              const json::object& body, bool create, std::string& owner,
                                              CallFacts* facts) {
    co_await CheckRefs(lease, scope, entity, changed);
    if (entity.name == "accounts") {
        bool has_npi = merged.contains("npi") && !merged.at("npi").is_null();
        bool has_ccn = merged.contains("ccn") && !merged.at("ccn").is_null();
        if (has_npi == has_ccn) {
            throw core::Invalid("npi", "an account is either a physician (npi) or a facility (ccn): give exactly one");
        }
        if (changed.contains("ccn") && has_ccn) {
            db::Result r = co_await lease.Exec(sql::kKnownCcn, Text(merged, "ccn"));
            if (r.Rows() == 0) {
                throw Refused({{"ccn", "no facility with CCN " + Text(merged, "ccn") + " in the public data"}});
            }
        }
        if (changed.contains("custom_fields")) {
            Settings s = co_await LoadSettings(lease, scope);
            auto errors = ValidateCustom(s.account_schema, changed.at("custom_fields"), "custom_fields");
            if (!errors.empty()) {
                throw Invalids(std::move(errors));
            }
        }
    } else if (entity.name == "calls") {
        std::string starts = Text(merged, "starts_at"), ends = Text(merged, "ends_at");
        if (!ends.empty()) {
            static const db::Statement kOrder{"crm_time_order", "SELECT $2::timestamptz >= $1::timestamptz"};
            db::Result r = co_await lease.Exec(kOrder, starts, ends);
            if (!r.GetBool(0, 0)) {
                throw core::Invalid("ends_at", "must not be before starts_at");
            }
        }
        std::string npi = NpiText(merged.at("npi"));
        std::string channel = Text(merged, "channel");
        std::vector<FieldError> errors;
        CallFacts local;
        CallFacts& known = facts != nullptr ? *facts : local;
        known.npi_checked = changed.contains("npi");  // CheckRefs found it
        // The discussed products and (for a new call's samples) the sampled ones, read once with the restrictions.
        std::vector<std::string> discussed, wanted;
        if (const json::value* products = changed.if_contains("products"); products && products->is_array()) {
            for (const auto& p : products->as_array()) {
                discussed.emplace_back(p.as_string());
            }
        }
        wanted = discussed;
        if (const json::value* samples = body.if_contains("samples"); samples && samples->is_array()) {
            for (const auto& line : samples->as_array()) {
                const json::value* p = line.is_object() ? line.as_object().if_contains("product_id") : nullptr;
                if (p != nullptr && p->is_string() && tenancy::IsUuid(p->as_string())) {
                    wanted.emplace_back(p->as_string());
                }
            }
        }
        co_await ReadCallFacts(lease, scope, npi, wanted, known);
        std::set<std::string, std::less<>> restricted_products;
        for (const auto& [kind, product, reason] : known.restrictions) {
            std::string why = reason.empty() ? "" : " (" + reason + ")";
            if (kind == "do_not_call" && Text(merged, "status") != "cancelled") {
                errors.push_back({"npi", "physician " + npi + " is on the do-not-call list" + why});
            } else if (kind == "no_see" && channel == "in_person" && Text(merged, "status") != "cancelled") {
                errors.push_back({"npi", "physician " + npi + " does not see reps in person (no-see)" + why});
            } else if (kind == "account_no_see" && channel == "in_person" && Text(merged, "status") != "cancelled") {
                errors.push_back({"npi", "the account of physician " + npi + " is marked no-see"});
            } else if (kind == "product") {
                restricted_products.emplace(product);
            }
        }
        for (size_t i = 0; i < discussed.size(); ++i) {
            std::string path = "products[" + std::to_string(i) + "]";
            auto found = known.products.find(discussed[i]);
            if (found == known.products.end()) {
                errors.push_back(
                    {path, "no such product " + discussed[i] + " in your organisation (or not visible to you)"});
                continue;
            }
            if (restricted_products.contains(discussed[i])) {
                errors.push_back({path, "may not be discussed with physician " + npi + " (product restriction)"});
            }
            if (!found->second.active) {
                errors.push_back({path, "product " + found->second.name + " is inactive"});
            }
        }
        if (changed.contains("call_type") && !changed.at("call_type").is_null()) {
            Settings s = co_await LoadSettings(lease, scope);
            std::string type = Text(changed, "call_type");
            if (!s.call_types.empty() &&
                std::find(s.call_types.begin(), s.call_types.end(), type) == s.call_types.end()) {
                errors.push_back({"call_type", "must be one of the organisation's call types"});
            }
        }
        if (!errors.empty()) {
            throw Refused(std::move(errors));
        }
    } else if (entity.name == "opportunities") {
        if (changed.contains("stage")) {
            Settings s = co_await LoadSettings(lease, scope);
            std::string stage = Text(changed, "stage");
            bool ok = std::any_of(s.stages.begin(), s.stages.end(), [&](const json::value& st) {
                return st.is_object() && st.as_object().contains("name") && st.at("name").is_string() &&
                       st.at("name").as_string() == stage;
            });
            if (!ok) {
                throw Refused({{"stage", "must be one of the organisation's opportunity stages"}});
            }
        }
    } else if (entity.name == "restrictions") {
        bool product = Text(merged, "kind") == "product";
        bool has_product = merged.contains("product_id") && !merged.at("product_id").is_null();
        if (product != has_product) {
            throw core::Invalid("product_id",
                                product ? "is required for a product restriction" : "is only for product restrictions");
        }
    } else if (entity.name == "sample-transactions") {
        db::Result lot = co_await lease.Exec(sql::kLot, scope.org.Str(), Text(merged, "lot_id"));
        owner = std::string(lot.Get(0, 0));  // the lot is visible (CheckRefs): its holder owns the movement
        const json::value& q = merged.at("quantity");
        if (Text(merged, "kind") != "adjusted" && (!q.is_int64() || q.as_int64() <= 0)) {
            throw core::Invalid("quantity", "must be greater than 0 (use kind adjusted for a correction)");
        }
        if (q.is_int64() && q.as_int64() == 0) {
            throw core::Invalid("quantity", "must not be 0");
        }
    } else if (entity.name == "sample-lots") {
        if (const json::value* q = body.if_contains("quantity"); q && (!q->is_int64() || q->as_int64() < 0)) {
            throw core::Invalid("quantity", "must be a whole number of units received, at least 0");
        }
    } else if (entity.name == "call-plans") {
        static const db::Statement kDates{"crm_date_order", "SELECT $2::date >= $1::date"};
        db::Result r = co_await lease.Exec(kDates, Text(merged, "cycle_start"), Text(merged, "cycle_end"));
        if (!r.GetBool(0, 0)) {
            throw core::Invalid("cycle_end", "must not be before cycle_start");
        }
    }
    (void)create;
}

asio::awaitable<void> CrmService::AfterInsert(db::Lease& lease, const Scope& scope, const Entity& entity,
                                              const std::string& id, const std::string& owner,
                                              const json::object& merged, const json::object& body,
                                              const auth::ClientInfo& client, const CallFacts* facts) {
    if (entity.name == "calls") {
        co_await WriteCallChildren(lease, scope, id, owner, merged, body, facts);

        const json::value* submit = body.if_contains("submit");
        if (submit != nullptr && submit->is_bool() && submit->as_bool()) {
            std::string signature = Text(body, "signature");
            db::Result n = co_await lease.Exec(sql::kCallSampleCount, scope.org.Str(), id);
            if (n.GetInt(0, 0) > 0 && signature.empty()) {
                throw core::Invalid("signature", "is required to submit a call with dropped samples");
            }
            std::pair<std::string, std::string> stored;
            if (!signature.empty()) {
                stored = StoreSignature(scope, signature);
            }
            db::Param path = stored.first.empty() ? db::Param() : db::Param(stored.first);
            db::Param sha = stored.second.empty() ? db::Param() : db::Param(stored.second);
            co_await lease.Exec(sql::kSubmitCall, scope.org.Str(), id, path, sha);
            co_await Audit(lease, scope, "crm.call.submit", "call", id, std::nullopt, std::nullopt, std::nullopt,
                           client);
        } else if (body.contains("signature")) {
            throw core::Invalid("signature", "is sent with \"submit\": true (or to POST /calls/{id}/submit)");
        }
    } else if (entity.name == "sample-lots") {
        const json::value* q = body.if_contains("quantity");
        if (q != nullptr && q->as_int64() > 0) {
            co_await lease.Exec(sql::kAdjustLot, scope.org.Str(), id, q->as_int64());
            co_await lease.Exec(sql::kInsertSampleTxn, scope.org.Str(), owner, id, "received", q->as_int64(),
                                std::nullopt, "initial transfer", scope.user_id);
        }
    } else if (entity.name == "sample-transactions") {
        std::string kind = Text(merged, "kind");
        int64_t q = merged.at("quantity").as_int64();
        int64_t delta = kind == "returned" ? -q : q;
        db::Result r = co_await lease.Exec(sql::kAdjustLot, scope.org.Str(), Text(merged, "lot_id"), delta);
        if (r.Rows() == 0) {
            throw Refused({{"quantity", "would leave the lot with less than 0 on hand"}});
        }
    }
}

asio::awaitable<void> CrmService::WriteCallChildren(db::Lease& lease, const Scope& scope, const std::string& call_id,
                                                    const std::string& owner, const json::object& call,
                                                    const json::object& body, const CallFacts* facts) {
    const json::value* samples = body.if_contains("samples");
    const json::value* spend = body.if_contains("spend");
    if (samples != nullptr && !samples->is_array()) {
        throw core::Invalid("samples", "must be an array of {product_id, lot_id, quantity}");
    }
    if (spend != nullptr && !spend->is_array()) {
        throw core::Invalid("spend", "must be an array of spend items");
    }
    std::string npi = NpiText(call.at("npi"));
    if ((samples == nullptr || samples->as_array().empty()) && (spend == nullptr || spend->as_array().empty())) {
        co_return;  // a quick visit log: nothing more to write
    }
    db::Result context = co_await lease.Exec(sql::kCallContext, scope.org.Str(), npi, Text(call, "starts_at"));
    std::string call_date(context.Get(0, 0));
    std::string licence_state = context.IsNull(0, 1) ? "" : std::string(context.Get(0, 1));
    std::vector<std::string> sampling_states;
    if (context.IsNull(0, 2)) {
        sampling_states = (co_await LoadSettings(lease, scope)).sampling_states;
    } else {
        json::value states = json::parse(context.Get(0, 2));
        for (const auto& x : states.as_array()) {
            sampling_states.emplace_back(x.as_string());
        }
    }
    // Samples: shape first (400), then the rules (422).
    struct Sample {
        std::string product, lot;
        int64_t quantity;
    };
    std::vector<Sample> drops;
    std::vector<FieldError> errors;
    if (samples != nullptr) {
        const auto& arr = samples->as_array();
        if (arr.size() > 50) {
            throw core::Invalid("samples", "at most 50 sample lines per call");
        }
        for (size_t i = 0; i < arr.size(); ++i) {
            std::string p = "samples[" + std::to_string(i) + "]";
            if (!arr[i].is_object()) {
                errors.push_back({p, "must be an object {product_id, lot_id, quantity}"});
                continue;
            }
            const auto& o = arr[i].as_object();
            for (const auto& [k, v] : o) {
                (void)v;
                if (k != "product_id" && k != "lot_id" && k != "quantity") {
                    errors.push_back({p + "." + std::string(k), "is not a field of a sample line"});
                }
            }
            std::string product = Text(o, "product_id"), lot = Text(o, "lot_id");
            if (!tenancy::IsUuid(product)) {
                errors.push_back({p + ".product_id", "must be a product id (lowercase UUID)"});
            }
            if (!tenancy::IsUuid(lot)) {
                errors.push_back({p + ".lot_id", "must be a sample lot id (lowercase UUID)"});
            }
            const json::value* q = o.if_contains("quantity");
            if (q == nullptr || !q->is_int64() || q->as_int64() <= 0 || q->as_int64() > 10000) {
                errors.push_back({p + ".quantity", "must be a whole number from 1 to 10000"});
                continue;
            }
            drops.push_back({product, lot, q->as_int64()});
        }
    }
    struct Spend {
        std::string kind, nature, form, spent_on, description;
        double amount = 0;
        int64_t attendees = 1;
        std::vector<std::string> recipients;
    };
    std::vector<Spend> items;
    if (spend != nullptr) {
        const auto& arr = spend->as_array();
        if (arr.size() > 20) {
            throw core::Invalid("spend", "at most 20 spend items per call");
        }
        static const std::vector<std::string> kKinds{"meal", "gift", "travel", "lodging", "education", "other"};
        for (size_t i = 0; i < arr.size(); ++i) {
            std::string p = "spend[" + std::to_string(i) + "]";
            if (!arr[i].is_object()) {
                errors.push_back({p, "must be an object"});
                continue;
            }
            const auto& o = arr[i].as_object();
            Spend s;
            for (const auto& [k, v] : o) {
                (void)v;
                static const std::set<std::string, std::less<>> kKeys{
                    "kind", "nature", "form", "amount", "attendee_count", "spent_on", "description", "recipients"};
                if (!kKeys.contains(std::string_view(k))) {
                    errors.push_back({p + "." + std::string(k), "is not a field of a spend item"});
                }
            }
            s.kind = Text(o, "kind");
            if (std::find(kKinds.begin(), kKinds.end(), s.kind) == kKinds.end()) {
                errors.push_back({p + ".kind", "must be one of: meal, gift, travel, lodging, education, other"});
            }
            s.nature = Text(o, "nature",
                            s.kind == "meal"                            ? "Food and Beverage"
                            : s.kind == "gift"                          ? "Gift"
                            : s.kind == "travel" || s.kind == "lodging" ? "Travel and Lodging"
                            : s.kind == "education"                     ? "Education"
                                                                        : "");
            const auto& natures = NatureOfPaymentValues();
            if (std::find(natures.begin(), natures.end(), s.nature) == natures.end()) {
                errors.push_back(
                    {p + ".nature", "must be an Open Payments nature of payment (e.g. Food and Beverage)"});
            }
            s.form = Text(o, "form", "In-kind items and services");
            const auto& forms = FormOfPaymentValues();
            if (std::find(forms.begin(), forms.end(), s.form) == forms.end()) {
                errors.push_back({p + ".form", "must be an Open Payments form of payment"});
            }
            auto amount = o.contains("amount") ? Number(o.at("amount")) : std::nullopt;
            if (!amount || !std::isfinite(*amount)) {
                errors.push_back({p + ".amount", "is required: a number of US dollars"});
            } else if (*amount <= 0) {
                errors.push_back({p + ".amount", *amount < 0 ? "must not be negative" : "must be greater than 0"});
            } else if (*amount > 1e7 || std::fabs(std::round(*amount * 100) - *amount * 100) > 1e-6) {
                errors.push_back({p + ".amount", "must be at most 10,000,000 with at most two decimals"});
            } else {
                s.amount = *amount;
            }
            if (const json::value* a = o.if_contains("attendee_count")) {
                if (!a->is_int64() || a->as_int64() < 1 || a->as_int64() > 1000) {
                    errors.push_back({p + ".attendee_count", "must be a whole number from 1 to 1000"});
                } else {
                    s.attendees = a->as_int64();
                }
            }
            s.spent_on = Text(o, "spent_on", call_date);
            if (!IsDate(s.spent_on)) {
                errors.push_back({p + ".spent_on", "must be a date YYYY-MM-DD"});
            }
            s.description = Text(o, "description");
            if (Utf8Length(s.description) > 500) {
                errors.push_back({p + ".description", "must be at most 500 characters"});
            }
            if (const json::value* rs = o.if_contains("recipients")) {
                if (!rs->is_array() || rs->as_array().empty()) {
                    errors.push_back({p + ".recipients", "must be a non-empty array of covered recipients' NPIs"});
                } else {
                    for (size_t k = 0; k < rs->as_array().size(); ++k) {
                        Field f;
                        f.type = FieldType::kNpi;
                        std::vector<FieldError> e2;
                        json::value n =
                            CheckValue(f, rs->as_array()[k], p + ".recipients[" + std::to_string(k) + "]", errors);
                        if (!n.is_null()) {
                            s.recipients.push_back(NpiText(n));
                        }
                    }
                }
            } else {
                s.recipients.push_back(npi);
            }
            if (static_cast<int64_t>(s.recipients.size()) > s.attendees && !o.contains("attendee_count")) {
                s.attendees = static_cast<int64_t>(s.recipients.size());
            } else if (static_cast<int64_t>(s.recipients.size()) > s.attendees) {
                errors.push_back({p + ".recipients", "more covered recipients than attendee_count"});
            }
            items.push_back(std::move(s));
        }
    }
    if (!errors.empty()) {
        throw Invalids(std::move(errors));
    }
    if (!drops.empty()) {
        if (Text(call, "status", "completed") != "completed") {
            throw Refused({{"samples", "only a completed call drops samples"}});
        }
        const std::string& state = licence_state;
        if (std::find(sampling_states.begin(), sampling_states.end(), state) == sampling_states.end()) {
            throw Refused(
                {{"samples", "physician " + npi + "'s licence state " + (state.empty() ? "(unknown)" : state) +
                                 " is not in the organisation's sampling rules"}});
        }
        // The restrictions and products read by the call's checks when they cover these samples, else read now.
        CallFacts read;
        const CallFacts* known = facts;
        bool covered = known != nullptr && known->loaded && std::all_of(drops.begin(), drops.end(), [&](const auto& d) {
                           return known->queried.contains(d.product);
                       });
        if (!covered) {
            std::vector<std::string> ids;
            for (const auto& d : drops) {
                ids.push_back(d.product);
            }
            co_await ReadCallFacts(lease, scope, npi, ids, read);
            known = &read;
        }
        for (size_t i = 0; i < drops.size(); ++i) {
            std::string p = "samples[" + std::to_string(i) + "]";
            auto found = known->products.find(drops[i].product);
            if (found == known->products.end()) {
                errors.push_back({p + ".product_id", "no such product in your organisation"});
            } else if (!found->second.active || !found->second.sampleable) {
                errors.push_back(
                    {p + ".product_id", "product " + found->second.name + " is not an active sampleable product"});
            }
            for (const auto& r : known->restrictions) {
                if (r[0] == "product" && r[1] == drops[i].product) {
                    errors.push_back(
                        {p + ".product_id", "may not be sampled to physician " + npi + " (product restriction)"});
                }
            }
        }
        if (!errors.empty()) {
            throw Refused(std::move(errors));
        }
        for (size_t i = 0; i < drops.size(); ++i) {
            const auto& d = drops[i];
            std::string p = "samples[" + std::to_string(i) + "]";
            db::Result r = co_await lease.Exec(sql::kDropSample, scope.org.Str(), d.lot, owner, d.product, d.quantity,
                                               call_date, call_id, scope.user_id);
            if (r.GetInt(0, 0) == 0) {
                db::Result lot = co_await lease.Exec(sql::kLot, scope.org.Str(), d.lot);
                std::string why;
                if (lot.Rows() == 0 || lot.Get(0, 0) != owner) {
                    why = "no such lot in the rep's sample inventory";
                } else if (lot.Get(0, 1) != d.product) {
                    why = "lot " + std::string(lot.Get(0, 4)) + " is of another product";
                } else if (std::string(lot.Get(0, 2)) < call_date) {
                    why = "lot " + std::string(lot.Get(0, 4)) + " expired on " + std::string(lot.Get(0, 2));
                } else {
                    why = "only " + std::string(lot.Get(0, 3)) + " on hand in lot " + std::string(lot.Get(0, 4));
                }
                throw Refused(
                    {{p + (lot.Rows() > 0 && lot.Get(0, 3) != "0" && why.starts_with("only") ? ".quantity" : ".lot_id"),
                      why}});
            }
        }
    }
    if (!items.empty()) {
        std::vector<std::string> all;
        for (const auto& s : items) {
            all.insert(all.end(), s.recipients.begin(), s.recipients.end());
        }
        // Every recipient must be a physician of the public data; the call's own NPI was just checked.
        std::set<std::string, std::less<>> states;
        if (facts != nullptr && facts->npi_checked) {
            states.insert(npi);
        }
        if (std::any_of(all.begin(), all.end(), [&](const std::string& n) { return !states.contains(n); })) {
            db::Result known = co_await lease.Exec(sql::kKnownNpis, PgArray(all));
            for (int i = 0; i < known.Rows(); ++i) {
                states.emplace(known.Get(i, 0));
            }
        }
        for (size_t i = 0; i < items.size(); ++i) {
            for (size_t k = 0; k < items[i].recipients.size(); ++k) {
                if (!states.contains(items[i].recipients[k])) {
                    errors.push_back({"spend[" + std::to_string(i) + "].recipients[" + std::to_string(k) + "]",
                                      "no physician with NPI " + items[i].recipients[k] + " in the public NPPES data"});
                }
            }
        }
        if (!errors.empty()) {
            throw Refused(std::move(errors));
        }
        for (const auto& s : items) {
            db::Param description = s.description.empty() ? db::Param() : db::Param(s.description);
            co_await lease.Exec(sql::kInsertSpendSplit, scope.org.Str(), owner, call_id, s.kind, s.nature, s.form,
                                Money(s.amount), s.attendees, s.spent_on, description, scope.user_id,
                                PgArray(s.recipients));
        }
    }
}

std::pair<std::string, std::string> CrmService::StoreSignature(const Scope& scope, const std::string& base64) {
    std::string text = base64;
    if (auto comma = text.find(','); text.starts_with("data:") && comma != std::string::npos) {
        text = text.substr(comma + 1);
    }
    for (auto& c : text) {
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    while (!text.empty() && text.back() == '=') {
        text.pop_back();
    }
    auto bytes = auth::Base64UrlDecode(text);
    if (!bytes || bytes->empty()) {
        throw core::Invalid("signature", "must be a base64 PNG or JPEG image");
    }
    std::string ext;
    if (bytes->starts_with("\x89PNG\r\n\x1a\n")) {
        ext = "png";
    } else if (bytes->size() > 3 && static_cast<unsigned char>((*bytes)[0]) == 0xFF &&
               static_cast<unsigned char>((*bytes)[1]) == 0xD8) {
        ext = "jpg";
    } else {
        throw core::Invalid("signature", "must be a PNG or JPEG image");
    }
    if (bytes->size() > 1024 * 1024) {
        throw core::Invalid("signature", "must be at most 1 MiB");
    }
    std::string sha = core::Sha256Hex(*bytes);
    // Content-addressed under the object-storage directory: a retried upload writes the same file.
    std::string rel = "crm/signatures/" + scope.org.Str() + "/" + sha + "." + ext;
    std::filesystem::path path = std::filesystem::path(storage_dir_) / rel;
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (!std::filesystem::exists(path)) {
        std::filesystem::path tmp = path;
        tmp += ".tmp";
        std::ofstream out(tmp, std::ios::binary);
        out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
        out.close();
        if (!out) {
            throw Error(ErrorKind::kUnavailable, "the signature could not be stored", {}, "write " + tmp.string());
        }
        std::filesystem::rename(tmp, path, ec);
        if (ec) {
            throw Error(ErrorKind::kUnavailable, "the signature could not be stored", {}, ec.message());
        }
    }
    return {rel, sha};
}

asio::awaitable<Written> CrmService::Load(db::Lease& lease, const Scope& scope, const Entity& entity,
                                          const std::string& id) {
    const auto& s = sql::For(entity);
    db::Result r = co_await lease.Exec(s.by_id, scope.org.Str(), id);
    if (r.Rows() == 0) {
        throw NotFoundOf(entity);
    }
    Written w;
    w.json = std::string(r.Get(0, 0));
    w.version = r.GetInt(0, 1);
    w.id = id;
    co_return w;
}

asio::awaitable<Written> CrmService::Create(const http::Principal& who, const Entity& entity, json::object body,
                                            auth::ClientInfo client) {
    Scope scope = tenancy::ScopeOf(who);
    RequireWriter(entity, scope);
    CheckedBody checked = CheckBody(entity, body, true);
    std::optional<std::string> client_id;
    if (const json::value* c = body.if_contains("client_id")) {
        client_id = std::string(c->as_string());
    }
    const auto& s = sql::For(entity);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    if (client_id) {
        // A retry of a create that already happened: answer with the row it made and change nothing.
        db::Result r = co_await lease.Exec(s.by_client_id, scope.org.Str(), *client_id);
        if (r.Rows() > 0) {
            Written w{std::string(r.Get(0, 0)), r.GetInt(0, 1), std::string(r.Get(0, 2)), false, true};
            co_await tx.Commit();
            co_return w;
        }
    }
    std::string owner = entity.owned ? checked.owner_id.value_or(scope.user_id) : std::string();
    co_await CheckOwner(lease, scope, entity, checked.owner_id);
    CallFacts facts;
    co_await BeforeWrite(lease, scope, entity, checked.fields, checked.fields, body, true, owner, &facts);
    if (entity.name == "calls" && (!checked.fields.contains("account_id") || checked.fields["account_id"].is_null())) {
        // First touch: the physician gets an account of the rep's (or the call links the visible one).
        db::Result acc = co_await lease.Exec(sql::kFirstTouchAccount, scope.org.Str(), owner,
                                             NpiText(checked.fields["npi"]), scope.user_id);
        if (acc.Rows() > 0) {
            checked.fields["account_id"] = std::string(acc.Get(0, 0));
        }
    }
    db::Param owner_param = owner.empty() ? db::Param() : db::Param(owner);
    db::Result ins = co_await lease.Exec(s.insert, scope.org.Str(), client_id, owner_param, scope.user_id,
                                         JsonParam(checked.fields));
    if (ins.Rows() == 0) {
        // The same client_id committed concurrently: that row is the answer.
        co_await tx.Rollback();
        auto tx2 = co_await tenancy::Begin(lease, scope);
        db::Result r = co_await lease.Exec(s.by_client_id, scope.org.Str(), *client_id);
        co_await tx2.Commit();
        if (r.Rows() == 0) {
            throw Error(ErrorKind::kConflict, "client_id is already used by a record you cannot see",
                        {FieldError{"client_id", "is already used"}});
        }
        co_return Written{std::string(r.Get(0, 0)), r.GetInt(0, 1), std::string(r.Get(0, 2)), false, true};
    }
    std::string id(ins.Get(0, 0));
    co_await AfterInsert(lease, scope, entity, id, owner, checked.fields, body, client, &facts);
    Written w = co_await Load(lease, scope, entity, id);
    co_await tx.Commit();
    w.created = true;
    co_return w;
}

asio::awaitable<Written> CrmService::Get(const http::Principal& who, const Entity& entity, std::string id) {
    if (!tenancy::IsUuid(id)) {
        throw NotFoundOf(entity);
    }
    Scope scope = tenancy::ScopeOf(who);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    Written w = co_await Load(lease, scope, entity, id);
    co_await tx.Commit();
    co_return w;
}

asio::awaitable<Written> CrmService::Patch(const http::Principal& who, const Entity& entity, std::string id,
                                           json::object body, std::optional<int64_t> if_match,
                                           auth::ClientInfo client) {
    if (!tenancy::IsUuid(id)) {
        throw NotFoundOf(entity);
    }
    Scope scope = tenancy::ScopeOf(who);
    RequireWriter(entity, scope);
    for (const auto& x : entity.extra_body) {
        if (body.contains(x)) {
            throw core::Invalid(x, "is given on create only");
        }
    }
    CheckedBody checked = CheckBody(entity, body, false);
    const auto& s = sql::For(entity);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result cur = co_await lease.Exec(s.lock, scope.org.Str(), id);
    if (cur.Rows() == 0) {
        throw NotFoundOf(entity);
    }
    if (!entity.patchable) {
        throw Error(ErrorKind::kConflict, entity.name + " cannot be changed; record a new one");
    }
    if (!if_match) {
        throw Error(ErrorKind::kPreconditionFailed,
                    "If-Match is required: send the ETag of the " + entity.singular + " you read",
                    {FieldError{"If-Match", "is required"}});
    }
    if (*if_match != cur.GetInt(0, 0)) {
        throw Stale(entity, cur.GetInt(0, 0));
    }
    json::object merged = json::parse(cur.Get(0, 2)).as_object();
    if (entity.name == "calls" && merged["locked"] == true) {
        throw Error(ErrorKind::kConflict,
                    "the call is submitted and locked; correct it with POST /api/v1/calls/" + id + "/amendments");
    }
    if (entity.name == "change-requests" && merged["status"] != "pending") {
        throw Error(ErrorKind::kConflict, "the change request was already decided");
    }
    if (entity.name == "calls" && !merged["samples"].as_array().empty()) {
        for (const char* f : {"npi", "starts_at", "status"}) {
            if (checked.fields.contains(f)) {
                throw Refused({{f, "cannot change on a call with dropped samples (the drop was checked for it)"}});
            }
        }
        if (checked.owner_id) {
            throw Refused({{"owner_id", "cannot change on a call with dropped samples (they left this rep's lot)"}});
        }
    }
    for (const auto& [k, v] : checked.fields) {
        merged[k] = v;
    }
    std::string owner = cur.IsNull(0, 1) ? "" : std::string(cur.Get(0, 1));
    co_await CheckOwner(lease, scope, entity, checked.owner_id);
    co_await BeforeWrite(lease, scope, entity, merged, checked.fields, body, false, owner);
    db::Param new_owner = checked.owner_id ? db::Param(*checked.owner_id) : db::Param();
    co_await lease.Exec(s.update, scope.org.Str(), id, JsonParam(checked.fields), new_owner);
    Written w = co_await Load(lease, scope, entity, id);
    co_await tx.Commit();
    (void)client;
    co_return w;
}

asio::awaitable<Written> CrmService::Delete(const http::Principal& who, const Entity& entity, std::string id,
                                            std::optional<int64_t> if_match, auth::ClientInfo client) {
    if (!tenancy::IsUuid(id)) {
        throw NotFoundOf(entity);
    }
    Scope scope = tenancy::ScopeOf(who);
    RequireWriter(entity, scope);
    const auto& s = sql::For(entity);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result cur = co_await lease.Exec(s.lock, scope.org.Str(), id);
    if (cur.Rows() == 0) {
        throw NotFoundOf(entity);
    }
    if (!entity.deletable) {
        throw Error(ErrorKind::kConflict, entity.name + " cannot be deleted (a ledger or a singleton)");
    }
    if (if_match && *if_match != cur.GetInt(0, 0)) {
        throw Stale(entity, cur.GetInt(0, 0));
    }
    if (entity.name == "calls") {
        json::object call = json::parse(cur.Get(0, 2)).as_object();
        if (call["locked"] == true) {
            throw Error(ErrorKind::kConflict, "a submitted call cannot be deleted; amend it instead");
        }
        if (!call["samples"].as_array().empty()) {
            throw Error(ErrorKind::kConflict, "a call with dropped samples cannot be deleted");
        }
    }
    db::Result r = co_await lease.Exec(s.remove, scope.org.Str(), id);
    Written w{std::string(cur.Get(0, 2)), r.GetInt(0, 0), id};
    co_await Audit(lease, scope, "crm." + entity.table + ".delete", entity.table, id, std::string(cur.Get(0, 2)),
                   std::nullopt, std::nullopt, client);
    co_await tx.Commit();
    co_return w;
}

asio::awaitable<ListPage> CrmService::List(const http::Principal& who, const Entity& entity, ListQuery q) {
    Scope scope = tenancy::ScopeOf(who);
    const auto& s = sql::For(entity);
    std::string sort = q.sort.empty() ? entity.default_sort : q.sort;
    auto it = s.list.find(sort);
    if (it == s.list.end()) {
        std::string allowed;
        for (const auto& [k, v] : s.list) {
            allowed += (allowed.empty() ? "" : ", ") + k;
        }
        throw core::Invalid("sort", "must be one of: " + allowed);
    }
    db::Param after_value, after_id;
    if (q.cursor) {
        auto decoded = auth::Base64UrlDecode(*q.cursor);
        auto sep = decoded ? decoded->rfind('|') : std::string::npos;
        if (!decoded || sep == std::string::npos || !tenancy::IsUuid(decoded->substr(sep + 1)) ||
            !decoded->starts_with(sort + "|")) {
            throw core::Invalid("cursor", "is not a cursor of this list and sort");
        }
        after_value = decoded->substr(sort.size() + 1, sep - sort.size() - 1);
        after_id = decoded->substr(sep + 1);
    }
    for (const auto* t : {&q.from, &q.to}) {
        if (*t && !IsTimestamp(**t) && !IsDate(**t)) {
            throw core::Invalid(t == &q.from ? "from" : "to", "must be a date or an RFC 3339 time");
        }
    }
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Param filter = q.filter.empty() ? db::Param() : JsonParam(q.filter);
    db::Result r = co_await lease.Exec(it->second, scope.org.Str(), filter, q.owner_id, q.from, q.to, after_value,
                                       after_id, q.limit + 1);
    co_await tx.Commit();
    ListPage page;
    int n = std::min(r.Rows(), q.limit);
    for (int i = 0; i < n; ++i) {
        page.items.emplace_back(r.Get(i, 0));
    }
    if (r.Rows() > q.limit) {
        page.next_cursor =
            auth::Base64UrlEncode(sort + "|" + std::string(r.Get(n - 1, 1)) + "|" + std::string(r.Get(n - 1, 2)));
    }
    co_return page;
}

asio::awaitable<Written> CrmService::GetSettings(const http::Principal& who) {
    Scope scope = tenancy::ScopeOf(who);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    co_await lease.Exec(sql::kEnsureSettings, scope.org.Str(), scope.user_id);
    db::Result id = co_await lease.Exec(sql::kSettingsId, scope.org.Str());
    Written w = co_await Load(lease, scope, EntityByName("crm-settings"), std::string(id.Get(0, 0)));
    co_await tx.Commit();
    co_return w;
}

asio::awaitable<Written> CrmService::PatchSettings(const http::Principal& who, json::object body,
                                                   std::optional<int64_t> if_match, auth::ClientInfo client) {
    const Entity& e = EntityByName("crm-settings");
    CheckedBody checked = CheckBody(e, body, false);
    std::vector<FieldError> errors;
    if (const json::value* st = checked.fields.if_contains("opportunity_stages")) {
        std::set<std::string, std::less<>> names;
        if (!st->is_array() || st->as_array().empty() || st->as_array().size() > 30) {
            errors.push_back({"opportunity_stages", "must be an array of 1 to 30 {name, probability}"});
        } else {
            for (size_t i = 0; i < st->as_array().size(); ++i) {
                const auto& x = st->as_array()[i];
                std::string p = "opportunity_stages[" + std::to_string(i) + "]";
                auto prob =
                    x.is_object() && x.as_object().contains("probability") ? Number(x.at("probability")) : std::nullopt;
                if (!x.is_object() || !x.as_object().contains("name") || !x.at("name").is_string() ||
                    x.at("name").as_string().empty() || x.at("name").as_string().size() > 60) {
                    errors.push_back({p + ".name", "must be a name of 1 to 60 characters"});
                } else if (!names.emplace(std::string(x.at("name").as_string())).second) {
                    errors.push_back({p + ".name", "is a duplicate"});
                }
                if (!prob || *prob < 0 || *prob > 100) {
                    errors.push_back({p + ".probability", "must be a number from 0 to 100"});
                }
            }
        }
    }
    if (const json::value* ss = checked.fields.if_contains("sampling_states")) {
        for (size_t i = 0; i < ss->as_array().size(); ++i) {
            std::string_view st = ss->as_array()[i].as_string();
            if (st.size() != 2 || !std::isupper(static_cast<unsigned char>(st[0])) ||
                !std::isupper(static_cast<unsigned char>(st[1]))) {
                errors.push_back({"sampling_states[" + std::to_string(i) + "]", "must be a two-letter state code"});
            }
        }
    }
    if (const json::value* caps = checked.fields.if_contains("spend_caps")) {
        for (const auto& [k, v] : caps->as_object()) {
            auto n = Number(v);
            if (k.size() != 2 || !n || *n < 0) {
                errors.push_back({"spend_caps." + std::string(k), "must map a two-letter state to an amount >= 0"});
            }
        }
    }
    if (const json::value* schema = checked.fields.if_contains("account_fields_schema")) {
        auto more = SchemaErrors(*schema);
        errors.insert(errors.end(), more.begin(), more.end());
    }
    if (!errors.empty()) {
        throw Invalids(std::move(errors));
    }
    Scope scope = tenancy::ScopeOf(who);
    const auto& s = sql::For(e);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    co_await lease.Exec(sql::kEnsureSettings, scope.org.Str(), scope.user_id);
    db::Result idr = co_await lease.Exec(sql::kSettingsId, scope.org.Str());
    std::string id(idr.Get(0, 0));
    db::Result cur = co_await lease.Exec(s.lock, scope.org.Str(), id);
    if (!if_match) {
        throw Error(ErrorKind::kPreconditionFailed, "If-Match is required: send the ETag of the settings you read",
                    {FieldError{"If-Match", "is required"}});
    }
    if (*if_match != cur.GetInt(0, 0)) {
        throw Stale(e, cur.GetInt(0, 0));
    }
    co_await lease.Exec(s.update, scope.org.Str(), id, JsonParam(checked.fields), db::Param());
    Written w = co_await Load(lease, scope, e, id);
    co_await Audit(lease, scope, "crm.settings.update", "crm_settings", id, std::string(cur.Get(0, 2)), w.json,
                   std::nullopt, client);
    co_await tx.Commit();
    co_return w;
}

asio::awaitable<Written> CrmService::SubmitCall(const http::Principal& who, std::string id, json::object body,
                                                std::optional<int64_t> if_match, auth::ClientInfo client) {
    const Entity& e = EntityByName("calls");
    if (!tenancy::IsUuid(id)) {
        throw NotFoundOf(e);
    }
    for (const auto& [k, v] : body) {
        (void)v;
        if (k != "signature") {
            throw core::Invalid(std::string(k), "is not accepted here (only signature)");
        }
    }
    Scope scope = tenancy::ScopeOf(who);
    const auto& s = sql::For(e);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result cur = co_await lease.Exec(s.lock, scope.org.Str(), id);
    if (cur.Rows() == 0) {
        throw NotFoundOf(e);
    }
    if (!if_match) {
        throw Error(ErrorKind::kPreconditionFailed, "If-Match is required: send the ETag of the call you read",
                    {FieldError{"If-Match", "is required"}});
    }
    if (*if_match != cur.GetInt(0, 0)) {
        throw Stale(e, cur.GetInt(0, 0));
    }
    json::object call = json::parse(cur.Get(0, 2)).as_object();
    if (call["locked"] == true) {
        throw Error(ErrorKind::kConflict, "the call is already submitted");
    }
    if (call["status"] == "cancelled") {
        throw Error(ErrorKind::kConflict, "a cancelled call cannot be submitted");
    }
    std::string signature = Text(body, "signature");
    if (!call["samples"].as_array().empty() && signature.empty()) {
        throw core::Invalid("signature", "is required to submit a call with dropped samples");
    }
    std::pair<std::string, std::string> stored;
    if (!signature.empty()) {
        stored = StoreSignature(scope, signature);
    }
    db::Param path = stored.first.empty() ? db::Param() : db::Param(stored.first);
    db::Param sha = stored.second.empty() ? db::Param() : db::Param(stored.second);
    co_await lease.Exec(sql::kSubmitCall, scope.org.Str(), id, path, sha);
    Written w = co_await Load(lease, scope, e, id);
    co_await Audit(lease, scope, "crm.call.submit", "call", id, std::nullopt, std::nullopt, std::nullopt, client);
    co_await tx.Commit();
    co_return w;
}

asio::awaitable<Written> CrmService::AmendCall(const http::Principal& who, std::string id, json::object body,
                                               std::optional<int64_t> if_match, auth::ClientInfo client) {
    const Entity& e = EntityByName("calls");
    if (!tenancy::IsUuid(id)) {
        throw NotFoundOf(e);
    }
    std::string reason = Text(body, "reason");
    if (reason.empty() || Utf8Length(reason) > 1000) {
        throw core::Invalid("reason", "is required: 1 to 1000 characters saying why the call is corrected");
    }
    const json::value* changes = body.if_contains("changes");
    if (changes == nullptr || !changes->is_object() || changes->as_object().empty()) {
        throw core::Invalid("changes", "is required: an object of the fields to correct");
    }
    for (const auto& [k, v] : body) {
        (void)v;
        if (k != "reason" && k != "changes") {
            throw core::Invalid(std::string(k), "is not a field of an amendment (reason, changes)");
        }
    }
    static const std::set<std::string, std::less<>> kAmendable{
        "notes",     "outcome", "key_messages", "products", "attendees", "duration_minutes",
        "call_type", "ends_at", "samples",      "spend"};
    std::vector<FieldError> errors;
    json::object field_changes, children;  // the call's own fields; its samples and spend (whole new lists)
    for (const auto& [k, v] : changes->as_object()) {
        if (!kAmendable.contains(std::string_view(k))) {
            errors.push_back({"changes." + std::string(k),
                              "cannot be amended (amendable: notes, outcome, "
                              "key_messages, products, attendees, duration_minutes, "
                              "call_type, ends_at, samples, spend)"});
        } else if (k == "samples" || k == "spend") {
            if (!v.is_array()) {
                errors.push_back({"changes." + std::string(k), "must be the whole corrected list (an array)"});
            }
            children[k] = v;
        } else {
            field_changes[k] = v;
        }
    }
    if (!errors.empty()) {
        throw Invalids(std::move(errors));
    }
    CheckedBody checked = CheckBody(e, field_changes, false);
    Scope scope = tenancy::ScopeOf(who);
    const auto& s = sql::For(e);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result cur = co_await lease.Exec(s.lock, scope.org.Str(), id);
    if (cur.Rows() == 0) {
        throw NotFoundOf(e);
    }
    if (!if_match) {
        throw Error(ErrorKind::kPreconditionFailed, "If-Match is required: send the ETag of the call you read",
                    {FieldError{"If-Match", "is required"}});
    }
    if (*if_match != cur.GetInt(0, 0)) {
        throw Stale(e, cur.GetInt(0, 0));
    }
    json::object before = json::parse(cur.Get(0, 2)).as_object();
    if (before["locked"] != true) {
        throw Error(ErrorKind::kConflict, "the call is not submitted: change it with PATCH");
    }
    json::object merged = before;
    for (const auto& [k, v] : checked.fields) {
        merged[k] = v;
    }
    std::string owner = cur.IsNull(0, 1) ? "" : std::string(cur.Get(0, 1));
    co_await BeforeWrite(lease, scope, e, merged, checked.fields, json::object(), false, owner);
    json::object children_before;
    if (!children.empty()) {
        // Samples and spend are replaced whole: the old drops go back to their lots (a reversing ledger line)
        // and the old spend items and splits get tombstones; then the new lists are written with every rule of
        // a new call (sampling states, restrictions, lot stock and expiry, Open Payments vocabulary).
        db::Result b = co_await lease.Exec(sql::kCallChildren, scope.org.Str(), id);
        children_before = json::parse(b.Get(0, 0)).as_object();
        if (children.contains("samples")) {
            co_await lease.Exec(sql::kReverseCallSamples, scope.org.Str(), id, scope.user_id);
        }
        if (children.contains("spend")) {
            co_await lease.Exec(sql::kReverseCallSpend, scope.org.Str(), id);
        }
        std::optional<Error> refused;
        try {
            co_await WriteCallChildren(lease, scope, id, owner, merged, children);
        } catch (const Error& err) {
            refused = err;
        }
        if (refused) {
            // Name the fields as the amendment body has them (changes.samples[0].quantity).
            std::vector<FieldError> fields = refused->Fields();
            for (auto& f : fields) {
                f.field = "changes." + f.field;
            }
            std::string detail = refused->Detail();
            throw Error(refused->Kind(), fields.empty() ? detail : fields.front().field + ": " + fields.front().message,
                        std::move(fields));
        }
    }
    if (!checked.fields.empty()) {
        co_await lease.Exec(s.update, scope.org.Str(), id, JsonParam(checked.fields), db::Param());
    } else {
        co_await lease.Exec(sql::kTouchCall, scope.org.Str(), id);
    }
    Written w = co_await Load(lease, scope, e, id);
    json::object before_part, after_part;
    json::object after = json::parse(w.json).as_object();
    for (const auto& [k, v] : checked.fields) {
        (void)v;
        before_part[k] = before[k];
        after_part[k] = after[k];
    }
    if (!children.empty()) {
        db::Result a = co_await lease.Exec(sql::kCallChildren, scope.org.Str(), id);
        json::object children_after = json::parse(a.Get(0, 0)).as_object();
        for (const auto& [k, v] : children) {
            (void)v;
            before_part[k] = children_before[k];
            after_part[k] = children_after[k];
        }
    }
    co_await lease.Exec(sql::kInsertAmendment, scope.org.Str(), owner, id, reason, json::serialize(before_part),
                        json::serialize(after_part), scope.user_id);
    co_await Audit(lease, scope, "crm.call.amend", "call", id, json::serialize(before_part),
                   json::serialize(after_part), reason, client);
    co_await tx.Commit();
    co_return w;
}

asio::awaitable<std::string> CrmService::Amendments(const http::Principal& who, std::string id) {
    const Entity& e = EntityByName("calls");
    if (!tenancy::IsUuid(id)) {
        throw NotFoundOf(e);
    }
    Scope scope = tenancy::ScopeOf(who);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    co_await Load(lease, scope, e, id);  // 404 unless the caller sees the call
    db::Result r = co_await lease.Exec(sql::kAmendments, scope.org.Str(), id);
    co_await tx.Commit();
    co_return "{\"items\":" + std::string(r.Get(0, 0)) + ",\"next_cursor\":null}";
}

asio::awaitable<Written> CrmService::DecideChangeRequest(const http::Principal& who, std::string id, bool approve,
                                                         json::object body, std::optional<int64_t> if_match,
                                                         auth::ClientInfo client) {
    const Entity& e = EntityByName("change-requests");
    if (!tenancy::IsUuid(id)) {
        throw NotFoundOf(e);
    }
    for (const auto& [k, v] : body) {
        if (k != "note") {
            throw core::Invalid(std::string(k), "is not accepted here (only note)");
        }
        if (!v.is_string() || v.as_string().size() > 2000) {
            throw core::Invalid("note", "must be a string of at most 2000 characters");
        }
    }
    Scope scope = tenancy::ScopeOf(who);
    if (scope.role != "admin") {
        throw Error(ErrorKind::kForbidden, "change requests are decided by admins (data stewards)");
    }
    const auto& s = sql::For(e);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result cur = co_await lease.Exec(s.lock, scope.org.Str(), id);
    if (cur.Rows() == 0) {
        throw NotFoundOf(e);
    }
    if (if_match && *if_match != cur.GetInt(0, 0)) {
        throw Stale(e, cur.GetInt(0, 0));
    }
    json::object cr = json::parse(cur.Get(0, 2)).as_object();
    if (cr["status"] != "pending") {
        throw Error(ErrorKind::kConflict, "the change request was already " + std::string(cr["status"].as_string()));
    }
    std::string npi = NpiText(cr["npi"]);
    if (approve) {
        static const std::set<std::string, std::less<>> kFields{
            "practice_line1",       "practice_line2", "practice_city", "practice_state",
            "practice_postal_code", "practice_phone", "taxonomy_code"};
        std::vector<std::pair<std::string, std::string>> overrides;
        if (cr["kind"] == "retired") {
            overrides.emplace_back("retired", "true");
        }
        for (const auto& [k, v] : cr["proposed"].as_object()) {
            if (!kFields.contains(std::string_view(k)) || !v.is_string()) {
                throw Refused({{"proposed." + std::string(k),
                                "cannot be applied: corrections name practice_line1, practice_line2, practice_city, "
                                "practice_state, practice_postal_code, practice_phone or taxonomy_code with a "
                                "string value"}});
            }
            overrides.emplace_back(std::string(k), std::string(v.as_string()));
        }
        if (overrides.empty()) {
            throw Refused({{"proposed", "has no correction to apply"}});
        }
        for (const auto& [field, value] : overrides) {
            co_await lease.Exec(sql::kUpsertOverride, scope.org.Str(), npi, field, value, id, scope.user_id);
        }
    }
    db::Param note = body.contains("note") ? db::Param(std::string(body.at("note").as_string())) : db::Param();
    co_await lease.Exec(sql::kDecideChangeRequest, scope.org.Str(), id, approve ? "approved" : "rejected",
                        scope.user_id, note);
    Written w = co_await Load(lease, scope, e, id);
    co_await Audit(lease, scope, approve ? "crm.change_request.approve" : "crm.change_request.reject", "change_request",
                   id, std::string(cur.Get(0, 2)), w.json, std::nullopt, client);
    co_await tx.Commit();
    if (approve && overrides_changed_) {
        overrides_changed_();  // this process's caches first; the others hear it from the database (0036)
    }
    co_return w;
}

asio::awaitable<std::string> CrmService::Overlay(const http::Principal& who, int64_t npi) {
    Scope scope = tenancy::ScopeOf(who);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kOverlay, npi);
    co_await tx.Commit();
    co_return "{\"npi\":" + std::to_string(npi) + ",\"overrides\":" + std::string(r.Get(0, 0)) + "}";
}

}  // namespace rounds::crm
