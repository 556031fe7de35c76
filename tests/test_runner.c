/* test_runner.c - the runner in process: it passes a conforming server, catches a server that
 * breaks any single rule of the contract (through the fault proxy), selects cases, and tells
 * unreachable, interrupted and misconfigured runs apart. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "fault_proxy.h"
#include "run_fixture.h"
#include "http_server.h"
#include "check/result.h"
#include "cli/target.h"
#include "run/runner.h"
#include "suite/suite.h"

static void assert_all_pass(const cf_test_run *r, size_t cases)
{
    char *why = cf_test_failures(&r->result);
    cr_assert_eq(r->rc, CF_OK, "%s: %s", cf_strerror(r->rc), r->err);
    cr_assert_eq(r->result.count, cases, "cases run: %zu", r->result.count);
    cr_assert_eq(r->result.failed, 0, "%zu cases failed: %s", r->result.failed, why);
    cr_assert_eq(r->result.passed, cases);
    cr_assert_eq(r->result.checks_failed, 0);
    cr_assert_gt(r->result.checks, cases * 5, "only %zu checks", r->result.checks);
    free(why);
}

/* ---- a conforming server passes ----------------------------------------------------------- */

Test(runner, conforming_proxy_passes_every_case_of_both_profiles, .timeout = 60)
{
    for (int aws = 0; aws <= 1; aws++) {
        cf_test_run r;
        cf_test_run_fault(&r, aws, NULL, NULL);
        assert_all_pass(&r, r.suite->case_count);
        cr_assert_eq(r.suite->case_count, 84, "%s has %zu cases", r.suite->file,
                     r.suite->case_count);
        /* Every request went through the proxy, and the proxy changed none. */
        cr_assert_eq(cf_fault_proxy_requests(r.proxy), r.result.requests);
        cr_assert_eq(cf_fault_proxy_applied(r.proxy), 0);
        cr_assert_eq(r.result.incomplete, 0);
        cr_assert_eq(r.result.unreachable, 0);
        cf_test_run_cleanup(&r);
    }
}

Test(runner, embedded_mock_passes_every_case_of_both_profiles, .timeout = 60)
{
    for (int aws = 0; aws <= 1; aws++) {
        cf_test_run r;
        memset(&r, 0, sizeof(r));
        cf_test_run_target(&r, cf_test_spec_file(aws), "mock", NULL);
        assert_all_pass(&r, r.suite->case_count);
        cr_assert_str_eq(r.result.target, "mock (embedded)");
        cf_test_run_cleanup(&r);
    }
}

/* ---- every single broken rule is caught --------------------------------------------------- */

typedef struct {
    const char *fault;
    int aws;             /* 0: envelope profile, 1: AWS profile */
    const char *filter;  /* NULL: the whole spec */
    const char *case_id; /* a case that must fail ... */
    const char *check;   /* ... naming this rule */
    const char *only;    /* when set: exactly these cases fail (space-separated, spec order) */
} expectation;

static const expectation issue3[] = {
    {"content-type-html", 0, NULL, "positive.example", "content-type", NULL},
    {"content-type-html", 1, NULL, "ContentType.empty", "content-type", NULL},
    {"truncated-json", 0, NULL, "positive.example", "json.valid", NULL},
    {"truncated-json", 1, NULL, "auth.missing", "json.valid", NULL},
    {"extra-member", 0, NULL, "positive.example", "envelope.shape", NULL},
    {"extra-member", 0, NULL, "ContentType.empty", "envelope.shape", NULL},
    {"missing-member", 0, NULL, "positive.example", "envelope.shape", NULL},
    {"missing-member", 1, NULL, "positive.example", "envelope.shape", NULL},
    {"success-string", 0, NULL, "positive.example", "envelope.kind", NULL},
    {"success-string", 0, NULL, "auth.missing", "envelope.kind", NULL},
    {"unknown-error-code", 0, NULL, "ContentType.empty", "error.code-known", NULL},
    {"unknown-error-code", 1, NULL, "ContentType.empty", "error.code-known", NULL},
    {"error-status-200", 0, NULL, "AttachmentName.len-257", "status.code-mismatch", NULL},
    {"error-status-200", 1, NULL, "AttachmentName.len-257", "expect.outcome", NULL},
    {"missing-error-message", 0, NULL, "auth.missing", "error.message", NULL},
    {"missing-error-message", 1, NULL, "auth.missing", "error.message", NULL},
    {"bad-timestamp", 0, NULL, "positive.example", "envelope.shape", NULL},
    {"bad-timestamp", 1, NULL, "positive.example", "envelope.shape", NULL},
    {"expiry-before-creation", 0, NULL, "positive.example", "rule.url_expiry-after-created_at",
     NULL},
    {"expiry-before-creation", 1, NULL, "positive.example", "rule.url-expiry-in-future", NULL},
    {"size-outside-accepted", 0, NULL, "AttachmentSizeInBytes.max-plus-one", "expect.outcome",
     "AttachmentSizeInBytes.max-plus-one"},
    {"size-outside-accepted", 1, NULL, "AttachmentSizeInBytes.max-plus-one", "expect.outcome",
     "AttachmentSizeInBytes.max-plus-one"},
    {"5xx-inside-boundary", 0, NULL, "AttachmentSizeInBytes.max", "expect.outcome",
     "AttachmentSizeInBytes.max"},
    {"5xx-inside-boundary", 1, NULL, "AttachmentSizeInBytes.max", "expect.outcome",
     "AttachmentSizeInBytes.max"},
    {"accept-unsupported-content-type", 0, NULL, "content-type.text-plain", "expect.outcome",
     "content-type.text-plain"},
    {"accept-unsupported-content-type", 1, NULL, "content-type.text-plain", "expect.outcome",
     "content-type.text-plain"},
    {"missing-client-token-accepted", 0, NULL, "ClientToken.missing", "expect.outcome",
     "ClientToken.missing"},
    {"missing-client-token-accepted", 1, NULL, "ClientToken.missing", "expect.outcome",
     "ClientToken.missing"},
    {"no-credentials-succeeds", 0, NULL, "auth.missing", "auth.required",
     "auth.missing auth.sigv4-instead-of-bearer auth.before-validation"},
    {"no-credentials-succeeds", 1, NULL, "auth.missing", "auth.required",
     "auth.missing auth.sigv4-instead-of-bearer auth.before-validation"},
    {"5xx-on-non-json", 0, NULL, "body.not-json", "status.5xx-on-bad-request",
     "body.not-json body.truncated-json body.empty-string"},
    {"5xx-on-non-json", 1, NULL, "body.not-json", "status.5xx-on-bad-request",
     "body.not-json body.truncated-json body.empty-string"},
    {"slow", 0, "positive.example", "positive.example", "latency.budget", "positive.example"},
    {"slow", 1, "positive.example", "positive.example", "latency.budget", "positive.example"},
    {"missing-error-type", 1, NULL, "ContentType.empty", "error.code-present", NULL},
    {"empty-attachment-id", 1, NULL, "positive.example", "envelope.shape", NULL},
};
#define ISSUE3_COUNT (sizeof(issue3) / sizeof(issue3[0]))

/* Runs every row of the table for `fault` and asserts each is caught where expected. */
static void assert_caught(const char *fault)
{
    size_t rows = 0;
    for (size_t i = 0; i < ISSUE3_COUNT; i++) {
        const expectation *e = &issue3[i];
        if (strcmp(e->fault, fault) != 0)
            continue;
        rows++;
        cf_test_run r;
        cf_test_run_fault(&r, e->aws, e->fault, e->filter);
        char *why = cf_test_failures(&r.result);
        char *failed = cf_test_failed_cases(&r.result);
        cr_assert_eq(r.rc, CF_OK, "%s: %s", cf_strerror(r.rc), r.err);
        cr_assert_gt(cf_fault_proxy_applied(r.proxy), 0, "fault %s never fired", fault);
        cr_assert_gt(r.result.failed, 0, "fault %s (%s) went unnoticed", fault, r.suite->file);
        const cf_case_result *c = cf_test_find_case(&r.result, e->case_id);
        cr_assert_not_null(c, "case %s did not run", e->case_id);
        cr_assert_eq(c->passed, 0, "%s: case %s passed; failures: %s", fault, e->case_id, why);
        cr_assert_not_null(cf_test_failed_check(c, e->check),
                           "%s (%s): case %s lacks a failed %s; got: %s", fault,
                           e->aws ? "aws" : "envelope", e->case_id, e->check, why);
        if (e->only)
            cr_assert_str_eq(failed, e->only, "%s (%s): failed cases differ: %s", fault,
                             e->aws ? "aws" : "envelope", why);
        free(why);
        free(failed);
        cf_test_run_cleanup(&r);
    }
    cr_assert_gt(rows, 0, "no expectations for fault %s", fault);
}

Test(runner, catches_a_wrong_content_type, .timeout = 60)
{
    assert_caught("content-type-html");
}

Test(runner, catches_truncated_json, .timeout = 60)
{
    assert_caught("truncated-json");
}

Test(runner, catches_an_extra_envelope_member, .timeout = 60)
{
    assert_caught("extra-member");
}

Test(runner, catches_a_missing_envelope_member, .timeout = 60)
{
    assert_caught("missing-member");
}

Test(runner, catches_success_sent_as_a_string, .timeout = 60)
{
    assert_caught("success-string");
}

Test(runner, catches_an_unknown_error_code, .timeout = 60)
{
    assert_caught("unknown-error-code");
}

Test(runner, catches_an_error_sent_with_status_200, .timeout = 60)
{
    assert_caught("error-status-200");
}

Test(runner, catches_a_missing_error_message, .timeout = 60)
{
    assert_caught("missing-error-message");
}

Test(runner, catches_a_timestamp_that_is_not_rfc3339, .timeout = 60)
{
    assert_caught("bad-timestamp");
}

Test(runner, catches_an_expiry_before_creation, .timeout = 60)
{
    assert_caught("expiry-before-creation");
}

Test(runner, catches_a_size_just_outside_the_boundary_accepted, .timeout = 60)
{
    assert_caught("size-outside-accepted");
}

Test(runner, catches_a_5xx_on_a_size_just_inside_the_boundary, .timeout = 60)
{
    assert_caught("5xx-inside-boundary");
}

Test(runner, catches_an_unsupported_request_content_type_accepted, .timeout = 60)
{
    assert_caught("accept-unsupported-content-type");
}

Test(runner, catches_a_missing_client_token_accepted, .timeout = 60)
{
    assert_caught("missing-client-token-accepted");
}

Test(runner, catches_a_request_without_credentials_that_succeeds, .timeout = 60)
{
    assert_caught("no-credentials-succeeds");
}

Test(runner, catches_a_5xx_for_a_body_that_is_not_json, .timeout = 60)
{
    assert_caught("5xx-on-non-json");
}

Test(runner, catches_an_answer_slower_than_the_latency_budget, .timeout = 60)
{
    assert_caught("slow");
}

Test(runner, catches_a_missing_aws_error_type_header, .timeout = 60)
{
    assert_caught("missing-error-type");
}

Test(runner, catches_an_empty_aws_attachment_id, .timeout = 60)
{
    assert_caught("empty-attachment-id");
}

Test(runner, every_fault_of_the_proxy_is_caught_somewhere, .timeout = 60)
{
    /* The issue-4 faults are held to their checks in test_idempotency.c; here each fault
     * merely has to make the run fail in every profile it applies to. */
    static const char *const issue4[] = {"replay-new-resource", "replay-changed-created-at",
                                         "mismatch-accepted",   "shared-across-callers",
                                         "constant-id",         "concurrent-duplicates",
                                         "echo-token"};
    for (size_t i = 0; i < cf_fault_count(); i++) {
        const char *name = cf_fault_name(i);
        int known = 0;
        for (size_t k = 0; k < ISSUE3_COUNT && !known; k++)
            known = strcmp(issue3[k].fault, name) == 0;
        for (size_t k = 0; k < sizeof(issue4) / sizeof(issue4[0]) && !known; k++)
            known = strcmp(issue4[k], name) == 0;
        cr_assert(known, "fault %s has no test", name);
        cr_assert(cf_fault_applies(name, 0) || cf_fault_applies(name, 1));
    }
    cr_assert_eq(cf_fault_applies("extra-member", 1), 0);
    cr_assert_eq(cf_fault_applies("missing-error-type", 0), 0);
    cr_assert_eq(cf_fault_applies("no-such-fault", 0), 0);
}

Test(runner, fault_proxy_refuses_unknown_faults_and_other_profiles, .timeout = 60)
{
    char err[256] = "";
    cf_fault_proxy_opts po = {ENVELOPE_SPEC, "no-such-fault", NULL, 0};
    cr_assert_null(cf_fault_proxy_start(&po, err, sizeof(err)));
    cr_assert_not_null(strstr(err, "no-such-fault"), "%s", err);
    cf_fault_proxy_opts wrong = {ENVELOPE_SPEC, "empty-attachment-id", NULL, 0};
    cr_assert_null(cf_fault_proxy_start(&wrong, err, sizeof(err)));
    cr_assert_not_null(strstr(err, "envelope"), "%s", err);
}

/* ---- selection ---------------------------------------------------------------------------- */

static size_t count_selected(const cf_suite *spec, const cf_run_opts *o)
{
    size_t n = 0;
    for (size_t i = 0; i < spec->case_count; i++)
        n += (size_t)cf_run_selects(o, &spec->cases[i], i);
    return n;
}

Test(runner, filter_and_tags_select_matching_cases_only, .timeout = 60)
{
    cf_suite *spec = cf_test_load_suite(AWS_SPEC);
    cf_run_opts o;
    cf_run_opts_init(&o);
    cr_assert_eq(count_selected(spec, &o), spec->case_count);
    o.filter = "auth.*";
    cr_assert_eq(count_selected(spec, &o), 8);
    o.filter = "AttachmentSizeInBytes.max";
    cr_assert_eq(count_selected(spec, &o), 1);
    o.filter = "no-such-case";
    cr_assert_eq(count_selected(spec, &o), 0);
    o.filter = NULL;
    const char *tags[] = {"idempotency"};
    o.tags = tags;
    o.tag_count = 1;
    size_t idem = count_selected(spec, &o);
    cr_assert_gt(idem, 10);
    for (size_t i = 0; i < spec->case_count; i++) {
        int tagged = 0;
        for (size_t t = 0; t < spec->cases[i].tag_count; t++)
            tagged |= strcmp(spec->cases[i].tags[t], "idempotency") == 0;
        cr_assert_eq(cf_run_selects(&o, &spec->cases[i], i), tagged, "%s", spec->cases[i].id);
    }
    const char *two[] = {"idempotency", "auth"};
    o.tags = two;
    o.tag_count = 2;
    cr_assert_gt(count_selected(spec, &o), idem);
    o.filter = "positive.*";
    cr_assert_eq(count_selected(spec, &o), 2); /* second-caller and sigv4-header-ignored */
    cf_suite_free(spec);
}

Test(runner, shards_partition_the_cases, .timeout = 60)
{
    cf_suite *spec = cf_test_load_suite(ENVELOPE_SPEC);
    for (unsigned n = 1; n <= 7; n++) {
        size_t total = 0;
        for (size_t i = 0; i < spec->case_count; i++) {
            unsigned owners = 0;
            for (unsigned k = 1; k <= n; k++) {
                cf_run_opts o;
                cf_run_opts_init(&o);
                o.shard_k = k;
                o.shard_n = n;
                owners += (unsigned)cf_run_selects(&o, &spec->cases[i], i);
            }
            cr_assert_eq(owners, 1, "case %s is in %u of %u shards", spec->cases[i].id, owners, n);
            total += owners;
        }
        cr_assert_eq(total, spec->case_count);
    }
    cf_suite_free(spec);
}

Test(runner, filtered_run_reports_only_the_selected_cases, .timeout = 60)
{
    cf_test_run r;
    memset(&r, 0, sizeof(r));
    cf_test_run_target(&r, ENVELOPE_SPEC, "mock", "idempotency.*");
    cr_assert_eq(r.rc, CF_OK, "%s", r.err);
    cr_assert_eq(r.result.count, 11);
    for (size_t i = 0; i < r.result.count; i++)
        cr_assert_eq(strncmp(r.result.cases[i].id, "idempotency.", 12), 0);
    cr_assert_eq(r.result.failed, 0);
    /* 8 parallel copies and scenarios: more requests than cases. */
    cr_assert_gt(r.result.requests, r.result.count * 2);
    cf_test_run_cleanup(&r);
}

/* ---- runs that cannot complete ------------------------------------------------------------ */

Test(runner, closed_port_is_unreachable_with_curls_words, .timeout = 60)
{
    unsigned short port = cf_test_closed_port();
    cr_assert_gt(port, 0);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", (unsigned)port);
    cf_test_run r;
    memset(&r, 0, sizeof(r));
    cf_test_run_target(&r, AWS_SPEC, url, NULL);
    cr_assert_eq(r.rc, CF_E_TRANSPORT, "%s: %s", cf_strerror(r.rc), r.err);
    cr_assert_eq(r.result.unreachable, 1);
    cr_assert_not_null(r.result.unreachable_why);
    cr_assert_not_null(strstr(r.err, url), "%s", r.err);
    cr_assert(strstr(r.err, "onnect") != NULL, "no curl words in: %s", r.err);
    cf_test_run_cleanup(&r);
}

/* Starts a raw server with `ro`, points `o` at it and runs the envelope spec into `r`. The
 * caller stops the returned server after reading the results. */
static cf_raw_server *run_against_raw(cf_test_run *r, const cf_raw_server_opts *ro, cf_run_opts *o)
{
    cf_raw_server *srv = cf_raw_server_start(ro);
    cr_assert_not_null(srv);
    static char url[64];
    cf_raw_server_url(srv, NULL, url, sizeof(url));
    memset(r, 0, sizeof(*r));
    r->suite = cf_test_load_suite(ENVELOPE_SPEC);
    r->rc = cf_cli_target_run(r->suite, url, NULL, o, &r->result, r->err, sizeof(r->err));
    cr_assert_eq(r->rc, CF_OK, "%s: %s", cf_strerror(r->rc), r->err);
    return srv;
}

Test(runner, server_that_never_answers_is_a_failed_check_not_unreachable, .timeout = 60)
{
    cf_raw_server_opts ro = {.hang = 1};
    cf_run_opts o;
    cf_run_opts_init(&o);
    o.filter = "positive.example";
    o.transport.timeout_ms = 500;
    cf_test_run r;
    cf_raw_server *srv = run_against_raw(&r, &ro, &o);
    cr_assert_eq(r.result.unreachable, 0);
    cr_assert_eq(r.result.failed, 1);
    cr_assert_not_null(cf_test_failed_check(&r.result.cases[0], "transport.response"));
    cf_test_run_cleanup(&r);
    cf_raw_server_stop(srv);
}

Test(runner, raised_stop_flag_interrupts_and_marks_the_run_incomplete, .timeout = 60)
{
    cf_test_run r;
    memset(&r, 0, sizeof(r));
    r.suite = cf_test_load_suite(ENVELOPE_SPEC);
    volatile int stop = 1;
    cf_run_opts o;
    cf_run_opts_init(&o);
    o.stop = &stop;
    r.rc = cf_cli_target_run(r.suite, NULL, NULL, &o, &r.result, r.err, sizeof(r.err));
    cr_assert_eq(r.rc, CF_E_INTERRUPTED, "%s", cf_strerror(r.rc));
    cr_assert_eq(r.result.incomplete, 1);
    for (size_t i = 0; i < r.result.count; i++)
        cr_assert_eq(r.result.cases[i].ran, 0);
    cf_test_run_cleanup(&r);
}

Test(runner, unknown_variable_override_is_a_usage_error, .timeout = 60)
{
    cf_test_run r;
    memset(&r, 0, sizeof(r));
    r.suite = cf_test_load_suite(ENVELOPE_SPEC);
    const char *vars[] = {"no_such_variable=1"};
    cf_run_opts o;
    cf_run_opts_init(&o);
    cf_vars_sources src = {vars, 1, NULL, 0};
    r.rc = cf_cli_target_run(r.suite, NULL, &src, &o, &r.result, r.err, sizeof(r.err));
    cr_assert_eq(r.rc, CF_E_USAGE, "%s", cf_strerror(r.rc));
    cr_assert_not_null(strstr(r.err, "no_such_variable"), "%s", r.err);
    cr_assert_eq(r.result.count, 0);
    cf_test_run_cleanup(&r);
}

Test(runner, other_credentials_given_as_variables_are_used_end_to_end, .timeout = 60)
{
    /* The proxy's mock and the runner agree on non-default credentials. */
    static const char *const vars[] = {"bearer=runner-test-bearer-0123456789",
                                       "bearer_alt=runner-test-bearer-alt-9876543210"};
    cf_test_run r;
    memset(&r, 0, sizeof(r));
    char err[512] = "";
    cf_fault_proxy_opts po = {AWS_SPEC, NULL, vars, 2};
    r.proxy = cf_fault_proxy_start(&po, err, sizeof(err));
    cr_assert_not_null(r.proxy, "%s", err);
    r.suite = cf_test_load_suite(AWS_SPEC);
    cf_run_opts o;
    cf_run_opts_init(&o);
    o.filter = "positive.*";
    cf_vars_sources src = {vars, 2, NULL, 0};
    r.rc = cf_cli_target_run(r.suite, cf_fault_proxy_url(r.proxy), &src, &o, &r.result, r.err,
                             sizeof(r.err));
    cr_assert_eq(r.rc, CF_OK, "%s", r.err);
    cr_assert_eq(r.result.failed, 0);
    cf_run_result_cleanup(&r.result);
    memset(&r.result, 0, sizeof(r.result));
    /* The runner with the default credentials is refused by that server. */
    r.rc = cf_cli_target_run(r.suite, cf_fault_proxy_url(r.proxy), NULL, &o, &r.result, r.err,
                             sizeof(r.err));
    cr_assert_eq(r.rc, CF_OK, "%s", r.err);
    cr_assert_eq(r.result.passed, 0);
    cr_assert_not_null(
        cf_test_failed_check(cf_test_find_case(&r.result, "positive.example"), "expect.outcome"));
    cf_test_run_cleanup(&r);
}

/* The ClientToken a recorded request carried, copied into out. */
static void token_of(const char *request, char *out, size_t n)
{
    const char *at = strstr(request, "\"ClientToken\":\"");
    cr_assert_not_null(at, "no token in %s", request);
    at += strlen("\"ClientToken\":\"");
    size_t len = strcspn(at, "\"");
    snprintf(out, n, "%.*s", (int)len, at);
}

Test(runner, repeat_runs_each_case_again_with_fresh_tokens, .timeout = 60)
{
    cf_suite *spec = cf_test_load_suite(ENVELOPE_SPEC);
    cf_run_opts opts;
    cf_run_opts_init(&opts);
    opts.filter = "idempotency.replay";
    opts.repeat = 3;
    cf_run_result result = {0};
    char err[512] = "";
    cr_assert_eq(cf_cli_target_run(spec, NULL, NULL, &opts, &result, err, sizeof(err)), CF_OK, "%s",
                 err);
    cr_assert_eq(result.count, 3);
    char tokens[3][128];
    for (size_t i = 0; i < 3; i++) {
        char want[64];
        snprintf(want, sizeof(want), "idempotency.replay#%zu", i + 1);
        cr_expect_str_eq(result.cases[i].id, want);
        cr_expect(result.cases[i].passed, "%s failed", want);
        cr_assert_geq(result.cases[i].exchange_count, 2);
        char replay[128];
        token_of(result.cases[i].exchanges[0].request, tokens[i], sizeof(tokens[i]));
        token_of(result.cases[i].exchanges[1].request, replay, sizeof(replay));
        cr_expect_str_eq(tokens[i], replay, "a replay within one run reuses its token");
    }
    cr_expect_str_neq(tokens[0], tokens[1]);
    cr_expect_str_neq(tokens[1], tokens[2]);
    cr_expect_str_neq(tokens[0], tokens[2]);
    cf_run_result_cleanup(&result);
    cf_suite_free(spec);
}

Test(runner, a_response_with_huge_headers_fails_its_case_and_the_run_goes_on, .timeout = 60)
{
    /* Headers just under the response bound: the record of the exchange must stay bounded
     * instead of failing the whole run. */
    size_t big = 65000;
    char *raw = malloc(big + 512);
    cr_assert_not_null(raw);
    int n = snprintf(raw, 512, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Big: ");
    memset(raw + n, 'a', big - (size_t)n - 300);
    size_t at = big - 300;
    at += (size_t)snprintf(raw + at, 512,
                           "\r\nConnection: close\r\nContent-Length: 17\r\n\r\n"
                           "{\"success\":true}");
    cf_raw_server_opts ro = {.response = raw, .response_len = at};
    cf_run_opts o;
    cf_run_opts_init(&o);
    o.filter = "positive.*";
    cf_test_run r;
    cf_raw_server *srv = run_against_raw(&r, &ro, &o);
    cr_assert_gt(r.result.count, 1);
    cr_assert_eq(r.result.failed, r.result.count, "every case is judged and fails");
    for (size_t i = 0; i < r.result.count; i++) {
        cr_assert(r.result.cases[i].ran);
        cr_assert_geq(r.result.cases[i].exchange_count, 1);
        cr_expect_lt(strlen(r.result.cases[i].exchanges[0].response), 8192,
                     "the record is cut, not 64 KiB");
    }
    cf_test_run_cleanup(&r);
    cf_raw_server_stop(srv);
    free(raw);
}

/* One case against a server that resets its first connection, with one retry allowed. */
static int transport_held_after_reset(const char *case_id)
{
    static const char canned[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
    cf_raw_server_opts ro = {.response = canned, .fail_first = 1};
    cf_run_opts o;
    cf_run_opts_init(&o);
    o.filter = case_id;
    o.transport.retries = 1;
    cf_test_run r;
    cf_raw_server *srv = run_against_raw(&r, &ro, &o);
    cr_assert_eq(r.result.count, 1);
    int held = cf_test_failed_check(&r.result.cases[0], "transport.response") == NULL;
    cf_test_run_cleanup(&r);
    cf_raw_server_stop(srv);
    return held;
}

Test(runner, only_requests_carrying_an_idempotency_token_are_retried, .timeout = 60)
{
    cr_expect(transport_held_after_reset("positive.example"), "a tokened request is retried");
    cr_expect_not(transport_held_after_reset("ClientToken.missing"),
                  "a request without a token is not sent twice");
}
