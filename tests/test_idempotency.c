/* test_idempotency.c - the idempotency, caller-scope, credential and secret-echo rules: each
 * fault of the proxy that breaks one of them is caught, in both profiles, by the check that
 * names it, on the case that exercises it; a conforming server passes. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "fault_proxy.h"
#include "run_fixture.h"
#include "check/result.h"
#include "run/runner.h"
#include "suite/suite.h"

/* ---- a conforming server passes ----------------------------------------------------------- */

Test(idempotency, conforming_proxy_passes_the_idempotency_and_auth_cases, .timeout = 60)
{
    for (int aws = 0; aws <= 1; aws++) {
        for (int which = 0; which < 2; which++) {
            cf_test_run r;
            cf_test_run_fault(&r, aws, NULL, which ? "auth.*" : "idempotency.*");
            char *why = cf_test_failures(&r.result);
            cr_assert_eq(r.rc, CF_OK, "%s", r.err);
            cr_assert_eq(r.result.count, which ? 8 : 11);
            cr_assert_eq(r.result.failed, 0, "%s", why);
            cr_assert_eq(cf_fault_proxy_applied(r.proxy), 0);
            free(why);
            cf_test_run_cleanup(&r);
        }
    }
}

/* ---- each broken rule is caught ----------------------------------------------------------- */

typedef struct {
    const char *fault;
    int aws;             /* 0: envelope profile, 1: AWS profile */
    const char *filter;  /* NULL: the whole spec */
    const char *case_id; /* a case that must fail ... */
    const char *check;   /* ... with this check failed ... */
    const char *about;   /* ... whose expectation mentions this (NULL: any) */
    const char *only;    /* when set: exactly these cases fail (space-separated, spec order) */
    const char *sole;    /* when set: no other check fails anywhere in the run */
} expectation;

#define REPLAY_CASES                                                                               \
    "idempotency.replay idempotency.mismatch.ContentType "                                         \
    "idempotency.mismatch.AttachmentSizeInBytes idempotency.mismatch.AttachmentName "              \
    "idempotency.mismatch-keeps-original idempotency.replay-ignores-unknown-members "              \
    "idempotency.other-caller-same-token idempotency.rejected-request-does-not-consume-token "     \
    "idempotency.concurrent-duplicates"
#define MISMATCH_CASES                                                                             \
    "idempotency.mismatch.ContentType idempotency.mismatch.AttachmentSizeInBytes "                 \
    "idempotency.mismatch.AttachmentName idempotency.mismatch-keeps-original"
#define CREATED_AT_CASES                                                                           \
    "idempotency.replay idempotency.mismatch-keeps-original "                                      \
    "idempotency.replay-ignores-unknown-members "                                                  \
    "idempotency.rejected-request-does-not-consume-token"
#define CALLER_CASES "idempotency.other-caller-same-token idempotency.other-caller-other-parameters"
#define CONSTANT_CASES CALLER_CASES " idempotency.distinct-tokens"
#define AUTH_CASES "auth.missing auth.sigv4-instead-of-bearer auth.before-validation"

static const expectation issue4[] = {
    {"replay-new-resource", 0, NULL, "idempotency.replay", "idempotency.replay-identical",
     "/data/id", REPLAY_CASES, NULL},
    {"replay-new-resource", 1, NULL, "idempotency.replay", "idempotency.replay-identical",
     "/AttachmentId", REPLAY_CASES, NULL},
    {"replay-changed-created-at", 0, NULL, "idempotency.replay", "idempotency.replay-identical",
     "/data/created_at", CREATED_AT_CASES, "idempotency.replay-identical"},
    {"mismatch-accepted", 0, NULL, "idempotency.mismatch.ContentType", "expect.outcome", NULL,
     MISMATCH_CASES, NULL},
    {"mismatch-accepted", 1, NULL, "idempotency.mismatch.AttachmentName", "expect.outcome", NULL,
     MISMATCH_CASES, NULL},
    {"shared-across-callers", 0, NULL, "idempotency.other-caller-same-token",
     "security.cross-caller-leak", "/data/id", CALLER_CASES, NULL},
    {"shared-across-callers", 1, NULL, "idempotency.other-caller-same-token",
     "security.cross-caller-leak", "/AttachmentId", CALLER_CASES, NULL},
    {"constant-id", 0, NULL, "idempotency.distinct-tokens", "idempotency.distinct-ids", "/data/id",
     CONSTANT_CASES, NULL},
    {"constant-id", 1, NULL, "idempotency.distinct-tokens", "idempotency.distinct-ids",
     "/AttachmentId", CONSTANT_CASES, NULL},
    {"concurrent-duplicates", 0, "idempotency.*", "idempotency.concurrent-duplicates",
     "idempotency.concurrent-same-id", "/data/id", "idempotency.concurrent-duplicates", NULL},
    {"concurrent-duplicates", 1, "idempotency.*", "idempotency.concurrent-duplicates",
     "idempotency.concurrent-same-id", "/AttachmentId", "idempotency.concurrent-duplicates", NULL},
    {"echo-token", 0, NULL, "ContentType.empty", "secrets.echoed", NULL, NULL, "secrets.echoed"},
    {"echo-token", 1, NULL, "auth.valid-token-with-suffix", "secrets.echoed", NULL, NULL,
     "secrets.echoed"},
    {"no-credentials-succeeds", 0, NULL, "auth.missing", "auth.required", NULL, AUTH_CASES, NULL},
    {"no-credentials-succeeds", 1, NULL, "auth.sigv4-instead-of-bearer", "auth.required", NULL,
     AUTH_CASES, NULL},
};
#define ISSUE4_COUNT (sizeof(issue4) / sizeof(issue4[0]))

static void assert_caught(const char *fault)
{
    int profiles[2] = {0, 0};
    for (size_t i = 0; i < ISSUE4_COUNT; i++) {
        const expectation *e = &issue4[i];
        if (strcmp(e->fault, fault) != 0)
            continue;
        profiles[e->aws] = 1;
        cf_test_run r;
        cf_test_run_fault(&r, e->aws, e->fault, e->filter);
        char *why = cf_test_failures(&r.result);
        char *failed = cf_test_failed_cases(&r.result);
        const char *profile = e->aws ? "aws" : "envelope";
        cr_assert_eq(r.rc, CF_OK, "%s: %s", cf_strerror(r.rc), r.err);
        cr_assert_gt(cf_fault_proxy_applied(r.proxy), 0, "fault %s never fired", fault);
        const cf_case_result *c = cf_test_find_case(&r.result, e->case_id);
        cr_assert_not_null(c, "case %s did not run", e->case_id);
        cr_assert_eq(c->passed, 0, "%s (%s): case %s passed; failures: %s", fault, profile,
                     e->case_id, why);
        const cf_check_result *k = cf_test_failed_check(c, e->check);
        cr_assert_not_null(k, "%s (%s): case %s lacks a failed %s; got: %s", fault, profile,
                           e->case_id, e->check, why);
        if (e->about) {
            int mentioned = 0;
            for (size_t j = 0; j < c->check_count; j++)
                mentioned |= !c->checks[j].passed && strcmp(c->checks[j].id, e->check) == 0 &&
                             c->checks[j].expected && strstr(c->checks[j].expected, e->about);
            cr_assert(mentioned, "%s (%s): no failed %s about %s; got: %s", fault, profile,
                      e->check, e->about, why);
        }
        if (e->only)
            cr_assert_str_eq(failed, e->only, "%s (%s): failed cases differ: %s", fault, profile,
                             why);
        for (size_t n = 0; e->sole && n < r.result.count; n++)
            for (size_t j = 0; j < r.result.cases[n].check_count; j++) {
                const cf_check_result *other = &r.result.cases[n].checks[j];
                cr_assert(other->passed || strcmp(other->id, e->sole) == 0,
                          "%s (%s): %s also failed %s (%s)", fault, profile, r.result.cases[n].id,
                          other->id, other->actual ? other->actual : "");
            }
        free(why);
        free(failed);
        cf_test_run_cleanup(&r);
    }
    for (int aws = 0; aws <= 1; aws++)
        cr_assert_eq(profiles[aws], cf_fault_applies(fault, aws),
                     "fault %s: the table and the proxy disagree on the %s profile", fault,
                     aws ? "aws" : "envelope");
}

Test(idempotency, catches_a_replay_that_creates_a_new_resource, .timeout = 60)
{
    assert_caught("replay-new-resource");
}

Test(idempotency, catches_a_replay_with_the_same_id_but_another_created_at, .timeout = 60)
{
    assert_caught("replay-changed-created-at");
}

Test(idempotency, catches_a_reused_token_with_other_parameters_accepted, .timeout = 60)
{
    assert_caught("mismatch-accepted");
}

Test(idempotency, catches_tokens_shared_across_callers, .timeout = 60)
{
    assert_caught("shared-across-callers");
}

Test(idempotency, catches_a_constant_id_for_every_request, .timeout = 60)
{
    assert_caught("constant-id");
}

Test(idempotency, catches_simultaneous_duplicates_creating_two_resources, .timeout = 60)
{
    assert_caught("concurrent-duplicates");
}

Test(idempotency, catches_a_token_echoed_in_an_error_message, .timeout = 60)
{
    assert_caught("echo-token");
}

Test(idempotency, catches_a_request_without_credentials_that_succeeds, .timeout = 60)
{
    assert_caught("no-credentials-succeeds");
}
