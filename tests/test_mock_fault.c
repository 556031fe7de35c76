/* test_mock_fault.c - the mock's faults (--fault): parsing, what each does to the answers, and
 * what a start refuses. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "contract/spec.h"
#include "contract/vars.h"
#include "mock/mock.h"
#include "mock_fixture.h"

Test(mock_fault, fault_latency_delays_each_answer, .timeout = 20)
{
    const char *faults[] = {"latency=300", NULL};
    cf_test_mock s;
    cf_test_mock_start(&s, cf_test_mock_specs[0], faults);
    char *tok = cf_test_token_lit("slow");
    cf_test_reply r;
    cf_test_mock_post_valid(&s, s.bearer, tok, &r);
    cf_test_mock_assert_success(&s, &r, "slow");
    cr_assert_geq(r.elapsed_ms, 300.0, "took %.1f ms", r.elapsed_ms);
    cf_test_reply_free(&r);
    cf_test_mock_post_valid(&s, NULL, tok, &r);
    cr_assert_geq(r.elapsed_ms, 300.0, "error took %.1f ms", r.elapsed_ms);
    cf_test_reply_free(&r);
    free(tok);
    cf_test_mock_stop(&s);
}

Test(mock_fault, fault_error_rate_one_always_fails_valid_requests, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        const char *faults[] = {"error-rate=1", NULL};
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], faults);
        for (int k = 0; k < 3; k++) {
            char *tok = cf_test_token_lit("err");
            cf_test_reply r;
            cf_test_mock_post_valid(&s, s.bearer, tok, &r);
            cf_test_mock_assert_error(&s, &r, CF_ROLE_INTERNAL, "error-rate=1");
            cf_test_reply_free(&r);
            free(tok);
        }
        /* a bad request still gets its 4xx, never the injected 5xx */
        cf_test_mock_request q = {
            .bearer = s.bearer, .content_type = "application/json", .body = "[]"};
        cf_test_reply r;
        cf_test_mock_send(&s, &q, &r);
        cf_test_mock_assert_error(&s, &r, CF_ROLE_VALIDATION, "bad request under error-rate");
        cf_test_reply_free(&r);
        cf_test_mock_stop(&s);
    }
}

Test(mock_fault, fault_error_rate_with_code_and_zero_rate, .timeout = 20)
{
    const char *faults[] = {"error-rate=1:THROTTLED", NULL};
    cf_test_mock s;
    cf_test_mock_start(&s, cf_test_mock_specs[0], faults);
    char *tok = cf_test_token_lit("code");
    cf_test_reply r;
    cf_test_mock_post_valid(&s, s.bearer, tok, &r);
    cf_test_mock_assert_error(&s, &r, CF_ROLE_THROTTLE, "error-rate=1:THROTTLED");
    cf_test_reply_free(&r);
    cf_test_mock_stop(&s);
    const char *none[] = {"error-rate=0", NULL};
    cf_test_mock_start(&s, cf_test_mock_specs[0], none);
    cf_test_mock_post_valid(&s, s.bearer, tok, &r);
    cf_test_mock_assert_success(&s, &r, "error-rate=0");
    cf_test_reply_free(&r);
    free(tok);
    cf_test_mock_stop(&s);
}

Test(mock_fault, fault_throttle_limits_each_caller, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        const char *faults[] = {"throttle=1/s", NULL};
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], faults);
        char *t1 = cf_test_token_lit("th1"), *t2 = cf_test_token_lit("th2");
        cf_test_reply r;
        cf_test_mock_post_valid(&s, s.bearer, t1, &r);
        cf_test_mock_assert_success(&s, &r, "first");
        cf_test_reply_free(&r);
        cf_test_mock_post_valid(&s, s.bearer, t2, &r);
        cf_test_mock_assert_error(&s, &r, CF_ROLE_THROTTLE, "second within the second");
        cf_test_reply_free(&r);
        cf_test_mock_post_valid(&s, s.bearer_alt, t2, &r);
        cf_test_mock_assert_success(&s, &r, "the other caller has its own bucket");
        cf_test_reply_free(&r);
        free(t1);
        free(t2);
        cf_test_mock_stop(&s);
    }
}

Test(mock_fault, fault_quota_stops_new_resources_not_replays, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        const char *faults[] = {"quota=2", NULL};
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], faults);
        char *t[3] = {cf_test_token_lit("q1"), cf_test_token_lit("q2"), cf_test_token_lit("q3")};
        cf_test_reply r;
        for (int k = 0; k < 2; k++) {
            cf_test_mock_post_valid(&s, s.bearer, t[k], &r);
            cf_test_mock_assert_success(&s, &r, "within quota");
            cf_test_reply_free(&r);
        }
        cf_test_mock_post_valid(&s, s.bearer, t[2], &r);
        cf_test_mock_assert_error(&s, &r, CF_ROLE_QUOTA, "third creation");
        cf_test_reply_free(&r);
        cf_test_mock_post_valid(&s, s.bearer, t[0], &r);
        cf_test_mock_assert_success(&s, &r, "a replay is no creation");
        cf_test_reply_free(&r);
        cf_test_mock_post_valid(&s, s.bearer_alt, t[2], &r);
        cf_test_mock_assert_success(&s, &r, "the other caller's quota");
        cf_test_reply_free(&r);
        for (int k = 0; k < 3; k++)
            free(t[k]);
        cf_test_mock_stop(&s);
    }
}

Test(mock_fault, fault_parse_accepts_the_documented_forms, .timeout = 5)
{
    cf_mock_faults f;
    memset(&f, 0, sizeof(f));
    char err[256];
    cr_assert_eq(cf_mock_fault_parse("latency=250", &f, err, sizeof(err)), CF_OK);
    cr_assert_eq(f.latency_ms, 250);
    cr_assert_eq(cf_mock_fault_parse("latency=10ms", &f, err, sizeof(err)), CF_OK);
    cr_assert_eq(f.latency_ms, 10);
    cr_assert_eq(cf_mock_fault_parse("error-rate=0.25", &f, err, sizeof(err)), CF_OK);
    cr_assert_float_eq(f.error_rate, 0.25, 1e-9);
    cr_assert_str_eq(f.error_code, "");
    cr_assert_eq(cf_mock_fault_parse("error-rate=1:ThrottlingException", &f, err, sizeof(err)),
                 CF_OK);
    cr_assert_str_eq(f.error_code, "ThrottlingException");
    cr_assert_eq(cf_mock_fault_parse("throttle=5/s", &f, err, sizeof(err)), CF_OK);
    cr_assert_float_eq(f.throttle_per_s, 5.0, 1e-9);
    cr_assert_eq(cf_mock_fault_parse("throttle=0.5", &f, err, sizeof(err)), CF_OK);
    cr_assert_eq(cf_mock_fault_parse("quota=0", &f, err, sizeof(err)), CF_OK);
    cr_assert(f.quota_set);
    cr_assert_eq(f.quota, 0);
    cr_assert_eq(f.latency_ms, 10, "other faults are kept");
}

Test(mock_fault, fault_parse_rejects_bad_text_clearly, .timeout = 5)
{
    static const struct {
        const char *text, *says;
    } bad[] = {
        {"latency", "no '='"},
        {"latency=", "milliseconds"},
        {"latency=-5", "milliseconds"},
        {"latency=fast", "milliseconds"},
        {"latency=9999999", "milliseconds"},
        {"error-rate=1.5", "probability"},
        {"error-rate=-0.1", "probability"},
        {"error-rate=nan", "probability"},
        {"error-rate=0.5:", "empty"},
        {"error-rate=0.5:BAD CODE", "not an error code"},
        {"throttle=0/s", "per second"},
        {"throttle=x/s", "per second"},
        {"throttle=5/m", "per second"},
        {"quota=-1", "whole number"},
        {"quota=two", "whole number"},
        {"jitter=5", "unknown fault 'jitter'"},
        {"=5", "unknown fault"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cf_mock_faults f;
        memset(&f, 0, sizeof(f));
        f.latency_ms = 7;
        char err[256] = "";
        cr_assert_eq(cf_mock_fault_parse(bad[i].text, &f, err, sizeof(err)), CF_E_USAGE, "%s",
                     bad[i].text);
        cr_assert_not_null(strstr(err, bad[i].says), "%s: message '%s'", bad[i].text, err);
        cr_assert_eq(f.latency_ms, 7, "left unchanged");
    }
}

Test(mock_fault, start_refuses_faults_the_spec_cannot_answer, .timeout = 10)
{
    cf_spec *spec = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cr_assert_eq(cf_spec_load_file(cf_test_mock_specs[1], &spec, &d), CF_OK);
    cf_secrets vars = {0};
    char err[512];
    cr_assert_eq(cf_vars_resolve(spec, NULL, &vars, err, sizeof(err)), CF_OK);
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.spec = spec;
    o.secrets = &vars;
    o.port = 0;
    cr_assert_eq(cf_mock_fault_parse("error-rate=1:NO_SUCH_CODE", &o.faults, err, sizeof(err)),
                 CF_OK);
    cf_mock *m = NULL;
    cr_assert_eq(cf_mock_start(&o, &m, err, sizeof(err)), CF_E_USAGE);
    cr_assert_null(m);
    cr_assert_not_null(strstr(err, "NO_SUCH_CODE"), "%s", err);
    memset(&o.faults, 0, sizeof(o.faults));
    o.bind = "not an address at all";
    cr_assert_eq(cf_mock_start(&o, &m, err, sizeof(err)), CF_E_USAGE);
    cr_assert_null(m);
    /* port in use */
    o.bind = "127.0.0.1";
    cf_mock *first = NULL;
    cr_assert_eq(cf_mock_start(&o, &first, err, sizeof(err)), CF_OK, "%s", err);
    o.port = cf_mock_port(first);
    cr_assert_eq(cf_mock_start(&o, &m, err, sizeof(err)), CF_E_IO);
    cr_assert_null(m);
    cr_assert_not_null(strstr(err, "cannot listen"), "%s", err);
    cf_mock_stop(first);
    cf_mock_stop(NULL);
    cf_secrets_cleanup(&vars);
    cf_spec_free(spec);
    cf_diags_cleanup(&d);
}

Test(mock_fault, stop_cuts_a_long_latency_short, .timeout = 20)
{
    const char *faults[] = {"latency=60000", NULL};
    cf_test_mock s;
    cf_test_mock_start(&s, cf_test_mock_specs[0], faults);
    /* a request that will wait a minute, abandoned after 300 ms */
    cf_test_request q = {.url = s.url, .body = "{}", .timeout_ms = 300L};
    cf_test_reply r;
    cr_assert_neq(cf_test_http_send(&q, &r), 0);
    cf_test_reply_free(&r);
    double t0 = cf_time_mono_ms();
    cf_test_mock_stop(&s);
    cr_assert_lt(cf_time_mono_ms() - t0, 10000.0);
}
