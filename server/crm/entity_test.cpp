#include "crm/entity.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace rounds::crm {
namespace {

namespace json = boost::json;

json::object Obj(std::string_view text) {
    return json::parse(text).as_object();
}

std::vector<std::string> Fields(const core::Error& e) {
    std::vector<std::string> out;
    for (const auto& f : e.Fields()) {
        out.push_back(f.field);
    }
    return out;
}

TEST(CrmEntity, QuickVisitNeedsOnlyPhysicianTimeChannel) {
    const Entity& calls = EntityByName("calls");
    auto b = CheckBody(calls, Obj(R"({"npi":"1234567893","starts_at":"2026-03-01T09:30:00Z","channel":"in_person",
                                     "products":[]})"),
                       true);
    EXPECT_EQ(b.fields.at("npi").as_int64(), 1234567893);
}

TEST(CrmEntity, MissingRequiredAndBadValuesAreNamed) {
    const Entity& calls = EntityByName("calls");
    try {
        CheckBody(calls, Obj(R"({"npi":"1234567890","channel":"fax","notes":5})"), true);
        FAIL() << "accepted";
    } catch (const core::Error& e) {
        EXPECT_EQ(e.Kind(), core::ErrorKind::kInvalid);
        auto f = Fields(e);
        for (const char* name : {"npi", "channel", "notes", "starts_at"}) {
            EXPECT_NE(std::find(f.begin(), f.end(), name), f.end()) << name;
        }
    }
}

TEST(CrmEntity, MassAssignmentIsRefusedByName) {
    const Entity& accounts = EntityByName("accounts");
    for (const char* field : {"org_id", "id", "version", "created_by", "deleted_at"}) {
        json::object body = Obj(R"({"npi":"1234567893"})");
        body[field] = "x";
        try {
            CheckBody(accounts, body, true);
            FAIL() << field << " accepted";
        } catch (const core::Error& e) {
            EXPECT_EQ(Fields(e), std::vector<std::string>{field});
        }
    }
    // A read-only column too (a call's locked flag).
    EXPECT_THROW(CheckBody(EntityByName("calls"), Obj(R"({"locked":true})"), false), core::Error);
    // Organisation-wide records have no owner.
    EXPECT_THROW(CheckBody(EntityByName("products"), Obj(R"({"name":"x","owner_id":"x"})"), true), core::Error);
}

TEST(CrmEntity, OversizedNoteIsRefused) {
    std::string note(4001, 'a');
    json::object body{{"notes", note}};
    try {
        CheckBody(EntityByName("calls"), body, false);
        FAIL();
    } catch (const core::Error& e) {
        EXPECT_EQ(Fields(e), std::vector<std::string>{"notes"});
        EXPECT_NE(e.Detail().find("4000"), std::string::npos);
    }
    body["notes"] = std::string(4000, 'a');
    EXPECT_NO_THROW(CheckBody(EntityByName("calls"), body, false));
}

TEST(CrmEntity, Timestamps) {
    EXPECT_TRUE(IsTimestamp("2026-03-01T09:30:00Z"));
    EXPECT_TRUE(IsTimestamp("2026-03-01T09:30:00.123+02:00"));
    EXPECT_TRUE(IsTimestamp("2026-03-01T09:30Z"));
    EXPECT_FALSE(IsTimestamp("2026-03-01T09:30:00"));  // no offset: ambiguous
    EXPECT_FALSE(IsTimestamp("2026-13-01T09:30:00Z"));
    EXPECT_FALSE(IsTimestamp("yesterday"));
    EXPECT_TRUE(IsDate("2026-02-28"));
    EXPECT_FALSE(IsDate("2026-2-28"));
}

TEST(CrmEntity, CustomFieldSchemaSubset) {
    json::value schema = json::parse(R"({"type":"object","required":["decile"],
        "properties":{"decile":{"type":"integer","minimum":1,"maximum":10},
                      "kol":{"type":"boolean"},"specialty_focus":{"type":"string","enum":["cardio","onco"]},
                      "nickname":{"type":"string","maxLength":5}}})");
    EXPECT_TRUE(SchemaErrors(schema).empty());
    EXPECT_TRUE(ValidateCustom(schema, json::parse(R"({"decile":3,"kol":true})"), "custom_fields").empty());
    auto errors = ValidateCustom(schema, json::parse(R"({"decile":11,"kol":"yes","specialty_focus":"derm",
                                                        "nickname":"toolong","other":1})"),
                                 "custom_fields");
    std::set<std::string> names;
    for (const auto& e : errors) {
        names.insert(e.field);
    }
    EXPECT_EQ(names,
              (std::set<std::string>{"custom_fields.decile", "custom_fields.kol", "custom_fields.specialty_focus",
                                     "custom_fields.nickname", "custom_fields.other"}));
    EXPECT_EQ(ValidateCustom(schema, json::parse("{}"), "c").size(), 1u);  // required
    EXPECT_FALSE(SchemaErrors(json::parse(R"({"type":"object","properties":{"a":{"type":"date"}}})")).empty());
    EXPECT_FALSE(SchemaErrors(json::parse(R"({"type":"array"})")).empty());
}

TEST(CrmEntity, FilterValuesFollowTheFieldType) {
    const Entity& accounts = EntityByName("accounts");
    EXPECT_EQ(FilterValue(*accounts.Find("is_target"), "true"), json::value(true));
    EXPECT_EQ(FilterValue(*accounts.Find("npi"), "1234567893"), json::value(1234567893));
    EXPECT_EQ(FilterValue(*accounts.Find("tags"), "kol"), json::parse(R"(["kol"])"));
    EXPECT_THROW(FilterValue(*accounts.Find("status"), "gone"), core::Error);
}

}  // namespace
}  // namespace rounds::crm
