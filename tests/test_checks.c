/* test_checks.c - the named checks on hand-made responses: each can fail, none passes a
 * response that breaks its rule. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "check/checks.h"
#include "base/timefmt.h"
#include "contract/vars.h"
#include "suite/suite.h"

#define SPEC_DIR CONFORM_SOURCE_DIR "/specs/connect-participant/"

static cf_suite *suite;
static cf_secrets redactor;

static void load(const char *file)
{
    cf_diags d;
    cf_diags_init(&d);
    cr_assert_eq(cf_suite_load_file(file, &suite, &d), CF_OK);
    cf_diags_cleanup(&d);
    char err[256];
    cr_assert_eq(cf_vars_resolve_api(suite->api, NULL, &redactor, err, sizeof(err)), CF_OK);
}

static void envelope(void)
{
    load(SPEC_DIR "start-attachment-upload.json");
}

static void teardown(void)
{
    cf_secrets_cleanup(&redactor);
    cf_suite_free(suite);
}

static const cf_case *find(const char *id)
{
    for (size_t i = 0; i < suite->case_count; i++)
        if (strcmp(suite->cases[i].id, id) == 0)
            return &suite->cases[i];
    cr_assert_fail("no case %s", id);
    return NULL;
}

static cf_run_result run;

/* Judges a raw HTTP response for step `step` of case `id`; a request carrying the default
 * bearer. Captures (for {@...}) may be given as NAME=VALUE pairs. */
static void judge(const char *id, size_t step, const char *raw, const char *capture,
                  cf_case_result **outp)
{
    cf_case_result *out = cf_run_result_add_case(&run);
    cr_assert_not_null(out);
    *outp = out;
    const cf_step *st = &find(id)->steps[step];
    cf_bindings caps = {0};
    if (capture) {
        const char *eq = strchr(capture, '=');
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)(eq - capture), capture);
        cr_assert_eq(cf_bindings_set(&caps, name, eq + 1, 0), CF_OK);
    }
    cf_request q = {0};
    cr_assert_eq(cf_headers_add(&q.headers, "X-Amz-Bearer", cf_secrets_get(&redactor, "bearer")),
                 CF_OK);
    q.body = strdup("{\"ClientToken\":\"t\"}");
    q.body_len = strlen(q.body);
    cf_response r;
    cf_response_init(&r, 1u << 20);
    cr_assert_eq(cf_response_parse_raw(&r, raw, strlen(raw)), CF_OK);
    cf_response_finish(&r, suite->api);
    cf_tmpl_ctx ctx = {cf_secrets_vars(&redactor), &caps, NULL, NULL};
    cf_check_input in = {suite->api, st->op, st, &q, &r, &redactor, &ctx, "step", cf_time_now_ms()};
    cr_assert_eq(cf_checks_run(&in, out), CF_OK);
    cf_response_cleanup(&r);
    cf_request_cleanup(&q);
    cf_bindings_cleanup(&caps);
}

/* The verdict of the first check with that id: 1 held, 0 failed, -1 not run. */
static int verdict_of(const cf_case_result *c, const char *id)
{
    for (size_t i = 0; i < c->check_count; i++)
        if (strcmp(c->checks[i].id, id) == 0)
            return c->checks[i].passed;
    return -1;
}

static void result_cleanup(const cf_case_result *c)
{
    (void)c;
    cf_run_result_cleanup(&run);
}

#define OK_SUCCESS                                                                                 \
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"                                    \
    "{\"success\":true,\"data\":{\"id\":\"a1\",\"created_at\":\"2025-01-01T00:00:00Z\"}}"

TestSuite(checks, .init = envelope, .fini = teardown, .timeout = 10);

Test(checks, a_conforming_success_passes_every_check, .timeout = 10)
{
    cf_case_result *c;
    judge("positive.example", 0, OK_SUCCESS, NULL, &c);
    for (size_t i = 0; i < c->check_count; i++)
        cr_expect(c->checks[i].passed, "%s failed: %s", c->checks[i].id, c->checks[i].actual);
    cr_expect_gt(c->check_count, 5);
    result_cleanup(c);
}

Test(checks, two_disagreeing_content_types_fail, .timeout = 10)
{
    cf_case_result *c;
    judge("positive.example", 0,
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Type: text/html\r\n\r\n"
          "{\"success\":true,\"data\":{\"id\":\"a1\",\"created_at\":\"2025-01-01T00:00:00Z\"}}",
          NULL, &c);
    cr_expect_eq(verdict_of(c, "content-type"), 0);
    result_cleanup(c);
}

Test(checks, an_unauthenticated_2xx_without_json_is_not_a_refusal, .timeout = 10)
{
    cf_case_result *c;
    judge("auth.missing", 0, "HTTP/1.1 204 No Content\r\nContent-Type: application/json\r\n\r\n",
          NULL, &c);
    cr_expect_eq(verdict_of(c, "auth.required"), 0);
    result_cleanup(c);
}

Test(checks, a_json_escaped_echo_of_the_credential_is_caught, .timeout = 10)
{
    const char *bearer = cf_secrets_get(&redactor, "bearer");
    char escaped[512] = "";
    for (const char *p = bearer; *p; p++)
        snprintf(escaped + strlen(escaped), sizeof(escaped) - strlen(escaped), "\\u%04x",
                 (unsigned char)*p);
    char raw[2048];
    snprintf(raw, sizeof(raw),
             "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n"
             "{\"success\":false,\"error\":{\"code\":\"VALIDATION_ERROR\",\"message\":\"bad %s\"}}",
             escaped);
    cf_case_result *c;
    judge("ContentType.empty", 0, raw, NULL, &c);
    cr_expect_eq(verdict_of(c, "secrets.echoed"), 0);
    result_cleanup(c);
}

Test(checks, a_truncated_echo_of_the_credential_is_caught, .timeout = 10)
{
    char cut[256];
    snprintf(cut, sizeof(cut), "%s", cf_secrets_get(&redactor, "bearer"));
    cut[strlen(cut) - 2] = '\0';
    char raw[1024];
    snprintf(raw, sizeof(raw),
             "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n"
             "{\"success\":false,\"error\":{\"code\":\"VALIDATION_ERROR\",\"message\":\"%s\"}}",
             cut);
    cf_case_result *c;
    judge("ContentType.empty", 0, raw, NULL, &c);
    cr_expect_eq(verdict_of(c, "secrets.echoed"), 0);
    for (size_t i = 0; i < c->check_count; i++)
        cr_expect(!c->checks[i].actual || !strstr(c->checks[i].actual, cut),
                  "a cut secret reached %s", c->checks[i].id);
    result_cleanup(c);
}

Test(checks, not_equal_holds_when_an_optional_member_is_absent_on_both_sides, .timeout = 10)
{
    cf_case_result *c;
    /* caller-b of the other-caller scenario compares id and upload_url with caller-a's; a
     * server that issues no upload_url cannot leak one. */
    judge("idempotency.other-caller-same-token", 1, OK_SUCCESS, "id=zz", &c);
    cr_expect_eq(verdict_of(c, "security.cross-caller-leak"), 1);
    result_cleanup(c);
    judge("idempotency.other-caller-same-token", 1, OK_SUCCESS, "id=a1", &c);
    cr_expect_eq(verdict_of(c, "security.cross-caller-leak"), 0, "the same id is a leak");
    result_cleanup(c);
}

Test(checks, an_error_with_status_200_fails_the_status_check, .timeout = 10)
{
    cf_case_result *c;
    judge("ContentType.empty", 0,
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"
          "{\"success\":false,\"error\":{\"code\":\"VALIDATION_ERROR\",\"message\":\"m\"}}",
          NULL, &c);
    cr_expect_eq(verdict_of(c, "status.code-mismatch"), 0);
    cr_expect_eq(verdict_of(c, "expect.outcome"), 1);
    result_cleanup(c);
}
