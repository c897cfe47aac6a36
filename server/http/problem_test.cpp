#include "http/problem.h"

#include <gtest/gtest.h>

namespace rounds::http {
namespace {

TEST(Problem, BodyFollowsRfc9457) {
    Response r = Problem(404, "no physician with NPI 1234567893", "req-1");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.headers.Get("Content-Type"), "application/problem+json");
    EXPECT_EQ(r.body, R"({"type":"urn:rounds:problem:not-found","title":"Not Found","status":404,)"
                      R"("detail":"no physician with NPI 1234567893","request_id":"req-1"})");
}

TEST(Problem, ValidationErrorsListFields) {
    Response r = Problem(400, "bad", "r", {{"npi", "must be 10 digits"}});
    EXPECT_NE(r.body.find(R"("errors":[{"field":"npi","message":"must be 10 digits"}])"), std::string::npos);
}

TEST(Problem, EveryKindMapsToItsStatus) {
    using core::ErrorKind;
    EXPECT_EQ(StatusFor(ErrorKind::kInvalid), 400);
    EXPECT_EQ(StatusFor(ErrorKind::kUnauthenticated), 401);
    EXPECT_EQ(StatusFor(ErrorKind::kForbidden), 403);
    EXPECT_EQ(StatusFor(ErrorKind::kNotFound), 404);
    EXPECT_EQ(StatusFor(ErrorKind::kConflict), 409);
    EXPECT_EQ(StatusFor(ErrorKind::kPreconditionFailed), 412);
    EXPECT_EQ(StatusFor(ErrorKind::kPayloadTooLarge), 413);
    EXPECT_EQ(StatusFor(ErrorKind::kUnsupportedMediaType), 415);
    EXPECT_EQ(StatusFor(ErrorKind::kUnprocessable), 422);
    EXPECT_EQ(StatusFor(ErrorKind::kRateLimited), 429);
    EXPECT_EQ(StatusFor(ErrorKind::kUnavailable), 503);
    EXPECT_EQ(StatusFor(ErrorKind::kInternal), 500);
}

TEST(Problem, InternalErrorsDoNotLeakDetail) {
    core::Error e(core::ErrorKind::kInternal, "SELECT secret FROM x failed");
    Response r = ProblemFrom(e, "r");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST(Problem, DetailOfAnErrorSurvivesIntoTheBody) {
    core::Error e = core::NotFound("no physician with NPI 1234567893");
    Response r = ProblemFrom(e, "r");
    EXPECT_NE(r.body.find(R"("detail":"no physician with NPI 1234567893")"), std::string::npos) << r.body;
}

TEST(Problem, RetryAfterIsCarried) {
    core::Error e(core::ErrorKind::kUnavailable, "database unavailable");
    e.WithRetryAfter(2);
    EXPECT_EQ(ProblemFrom(e, "r").headers.Get("Retry-After"), "2");
}

}  // namespace
}  // namespace rounds::http
