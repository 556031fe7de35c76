/* test_request.c - the serializer: what the case says is exactly what is sent. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/request.h"
#include "contract/vars.h"
#include "suite/suite.h"

#define AWS_SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.aws.json"

static cf_suite *suite;
static cf_secrets vars;

static void setup(void)
{
    cf_diags d;
    cf_diags_init(&d);
    cr_assert_eq(cf_suite_load_file(AWS_SPEC, &suite, &d), CF_OK);
    cf_diags_cleanup(&d);
    char err[256];
    const char *over[] = {"bearer=caller-a-token"};
    cf_vars_sources src = {over, 1, NULL, 0};
    cr_assert_eq(cf_vars_resolve_api(suite->api, &src, &vars, err, sizeof(err)), CF_OK, "%s", err);
}

static void teardown(void)
{
    cf_secrets_cleanup(&vars);
    cf_suite_free(suite);
}

static cJSON *parse(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    cr_assert_not_null(j, "bad test json %s", json);
    return j;
}

static cf_rc token_gen(void *user, const char *name, const char *arg, cf_buf *out)
{
    (void)user;
    (void)arg;
    return strcmp(name, "token") == 0 ? cf_buf_adds(out, "tok-1") : CF_E_NOT_FOUND;
}

/* Builds a request from a step described as JSON (request part only). */
static cf_rc build(const char *request_json, cf_request *out, char *err, size_t errlen,
                   cJSON **keep)
{
    *keep = parse(request_json);
    cf_step step;
    memset(&step, 0, sizeof(step));
    step.parallel = 1;
    step.op = &suite->api->operations[0];
    step.role = CF_API_ROLE_NONE;
    step.headers = cJSON_GetObjectItemCaseSensitive(*keep, "headers");
    step.set = cJSON_GetObjectItemCaseSensitive(*keep, "set");
    step.remove = cJSON_GetObjectItemCaseSensitive(*keep, "remove");
    step.body = cJSON_GetObjectItemCaseSensitive(*keep, "body");
    const cJSON *raw = cJSON_GetObjectItemCaseSensitive(*keep, "raw_body");
    step.raw_body = raw ? raw->valuestring : NULL;
    step.no_body = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(*keep, "no_body"));
    cf_tmpl_ctx ctx = {cf_secrets_vars(&vars), NULL, token_gen, NULL};
    return cf_request_build(suite->api, &step, "http://127.0.0.1:1/", &ctx, out, err, errlen);
}

TestSuite(request, .init = setup, .fini = teardown, .timeout = 10);

Test(request, default_request_is_the_example_with_variables_substituted, .timeout = 10)
{
    cf_request q;
    char err[256];
    cJSON *k;
    cr_assert_eq(build("{\"set\":{\"/ClientToken\":\"fixed\"}}", &q, err, sizeof(err), &k), CF_OK,
                 "%s", err);
    cr_expect_str_eq(q.method, "POST");
    cr_expect_str_eq(q.url, "http://127.0.0.1:1/participant/start-attachment-upload");
    cr_expect_str_eq(cf_headers_get(&q.headers, "x-amz-bearer"), "caller-a-token");
    cr_expect_str_eq(cf_headers_get(&q.headers, "content-type"), "application/json");
    cJSON *body = parse(q.body);
    cr_expect_str_eq(cJSON_GetObjectItem(body, "ClientToken")->valuestring, "fixed");
    cr_expect_str_eq(cJSON_GetObjectItem(body, "ContentType")->valuestring, "text/plain");
    cJSON_Delete(body);
    cf_request_cleanup(&q);
    cJSON_Delete(k);
}

Test(request, set_remove_and_wrong_types_are_serialized_exactly, .timeout = 10)
{
    cf_request q;
    char err[256];
    cJSON *k;
    cr_assert_eq(build("{\"set\":{\"/AttachmentSizeInBytes\":\"12\",\"/Extra\":[1,{\"a\":null}]},"
                       "\"remove\":[\"/AttachmentName\",\"/NotThere\"]}",
                       &q, err, sizeof(err), &k),
                 CF_OK, "%s", err);
    cJSON *body = parse(q.body);
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(body, "AttachmentSizeInBytes")));
    cr_expect_null(cJSON_GetObjectItem(body, "AttachmentName"));
    char *extra = cJSON_PrintUnformatted(cJSON_GetObjectItem(body, "Extra"));
    cr_expect_str_eq(extra, "[1,{\"a\":null}]");
    free(extra);
    cJSON_Delete(body);
    cf_request_cleanup(&q);
    cJSON_Delete(k);
}

Test(request, raw_body_no_body_and_whole_body_replacements, .timeout = 10)
{
    cf_request q;
    char err[256];
    cJSON *k;
    cr_assert_eq(build("{\"raw_body\":\"{not json\"}", &q, err, sizeof(err), &k), CF_OK);
    cr_expect_str_eq(q.body, "{not json");
    cf_request_cleanup(&q);
    cJSON_Delete(k);
    cr_assert_eq(build("{\"no_body\":true}", &q, err, sizeof(err), &k), CF_OK);
    cr_expect_null(q.body);
    cf_request_cleanup(&q);
    cJSON_Delete(k);
    cr_assert_eq(build("{\"body\":[]}", &q, err, sizeof(err), &k), CF_OK);
    cr_expect_str_eq(q.body, "[]");
    cf_request_cleanup(&q);
    cJSON_Delete(k);
}

Test(request, headers_can_be_overridden_and_dropped_case_insensitively, .timeout = 10)
{
    cf_request q;
    char err[256];
    cJSON *k;
    cr_assert_eq(build("{\"headers\":{\"x-amz-bearer\":null,\"Content-Type\":\"text/plain\"}}", &q,
                       err, sizeof(err), &k),
                 CF_OK, "%s", err);
    cr_expect_null(cf_headers_get(&q.headers, "X-Amz-Bearer"));
    cr_expect_str_eq(cf_headers_get(&q.headers, "content-type"), "text/plain");
    size_t ct = 0;
    for (size_t i = 0; i < q.headers.count; i++)
        ct += strcasecmp(q.headers.items[i].name, "content-type") == 0;
    cr_expect_eq(ct, 1, "content-type sent %zu times", ct);
    cf_request_cleanup(&q);
    cJSON_Delete(k);
}

Test(request, header_values_with_cr_or_lf_are_refused, .timeout = 10)
{
    const char *inputs[] = {"{\"headers\":{\"X-A\":\"a\\r\\nInjected: 1\"}}",
                            "{\"headers\":{\"X-A\":\"a\\nb\"}}"};
    for (size_t i = 0; i < 2; i++) {
        cf_request q;
        char err[256];
        cJSON *k;
        cr_expect_eq(build(inputs[i], &q, err, sizeof(err), &k), CF_E_INVALID);
        cr_expect(strstr(err, "CR") != NULL, "%s", err);
        cr_expect_null(q.url, "a failed build leaves nothing behind");
        cJSON_Delete(k);
    }
}

Test(request, variable_values_with_crlf_cannot_reach_a_header, .timeout = 10)
{
    cf_secrets bad = {0};
    char err[256];
    const char *over[] = {"bearer=a\r\nX-Evil: 1"};
    cf_vars_sources src = {over, 1, NULL, 0};
    cr_expect_eq(cf_vars_resolve_api(suite->api, &src, &bad, err, sizeof(err)), CF_E_USAGE);
    cr_expect(strstr(err, "CR/LF") != NULL, "%s", err);
    cr_expect(strstr(err, "X-Evil") == NULL, "the value must not be echoed: %s", err);
    cf_secrets_cleanup(&bad);
}

/* A header template without a placeholder is added as it is (no expansion): it must still
 * be bounded like an expanded one, and "{{" still means an expansion. */
Test(request, literal_header_values_are_bounded_like_expanded_ones, .timeout = 10)
{
    const size_t sizes[] = {64u * 1024u, 64u * 1024u + 1};
    for (size_t i = 0; i < 2; i++) {
        size_t n = sizes[i];
        char *json = malloc(n + 64);
        cr_assert_not_null(json);
        int at = snprintf(json, 64, "{\"headers\":{\"X-Big\":\"");
        memset(json + at, 'v', n);
        strcpy(json + at + n, "\"}}");
        cf_request q;
        char err[256];
        cJSON *k;
        cf_rc rc = build(json, &q, err, sizeof(err), &k);
        if (i == 0) {
            cr_expect_eq(rc, CF_OK, "%s", err);
            const char *v = cf_headers_get(&q.headers, "x-big");
            cr_expect(v && strlen(v) == n, "the literal value is sent whole");
            cf_request_cleanup(&q);
        } else {
            cr_expect_eq(rc, CF_E_TOO_LARGE);
            cr_expect(strstr(err, "longer than 64 KiB") != NULL, "%s", err);
        }
        cJSON_Delete(k);
        free(json);
    }
    cf_request q;
    char err[256];
    cJSON *k;
    cr_assert_eq(build("{\"headers\":{\"X-A\":\"{{plain}\",\"X-B\":\"plain\",\"X-C\":\"\"}}", &q,
                       err, sizeof(err), &k),
                 CF_OK, "%s", err);
    cr_expect_str_eq(cf_headers_get(&q.headers, "x-a"), "{plain}");
    cr_expect_str_eq(cf_headers_get(&q.headers, "x-b"), "plain");
    cr_expect_str_eq(cf_headers_get(&q.headers, "x-c"), "");
    cf_request_cleanup(&q);
    cJSON_Delete(k);
}

/* The body written straight to text carries the token it was built with: the one sent. */
Test(request, the_body_token_is_the_expansion_that_was_sent, .timeout = 10)
{
    cf_request q;
    char err[256];
    cJSON *k;
    cr_assert_eq(build("{\"body\":{\"ClientToken\":\"pre-{$token}\",\"n\":[1,-0.5]}}", &q, err,
                       sizeof(err), &k),
                 CF_OK, "%s", err);
    cr_expect_str_eq(q.body, "{\"ClientToken\":\"pre-tok-1\",\"n\":[1,-0.5]}");
    cr_expect_eq(q.body_len, strlen(q.body));
    cr_expect_str_eq(q.idem_token ? q.idem_token : "(none)", "pre-tok-1");
    cf_request_cleanup(&q);
    cJSON_Delete(k);
    cr_assert_eq(build("{\"body\":{\"ClientToken\":\"\"}}", &q, err, sizeof(err), &k), CF_OK);
    cr_expect_null(q.idem_token, "an empty token is no token");
    cf_request_cleanup(&q);
    cJSON_Delete(k);
    cr_expect_eq(build("{\"body\":{\"ClientToken\":\"{nope}\"}}", &q, err, sizeof(err), &k),
                 CF_E_NOT_FOUND);
    cr_expect(strstr(err, "not a variable") != NULL, "%s", err);
    cr_expect_null(q.body, "a failed build leaves nothing behind");
    cJSON_Delete(k);
}
