/* test_mock.c - the mock's HTTP contract over real HTTP against both bundled specs: success
 * shape, validation, authentication, answer templates, routing, robustness on the wire. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/timefmt.h"
#include "contract/spec.h"
#include "contract/vars.h"
#include "mock/mock.h"
#include "mock_fixture.h"
#include "net_util.h"

/* A JSON string literal of `c` repeated n times. */
static char *repeat_lit(char c, size_t n)
{
    char *s = malloc(n + 3);
    cr_assert_not_null(s);
    s[0] = '"';
    memset(s + 1, c, n);
    s[n + 1] = '"';
    s[n + 2] = '\0';
    return s;
}

/* ---- success shape --------------------------------------------------------------------------- */

Test(mock, success_answer_matches_each_spec, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        char *tok = cf_test_token_lit("ok");
        cf_test_reply r;
        cf_test_mock_post_valid(&s, s.bearer, tok, &r);
        cf_test_mock_assert_success(&s, &r, "valid request");
        char hv[256];
        cr_assert(cf_test_reply_header(&r, "x-amzn-RequestId", hv, sizeof(hv)));
        cr_assert_eq(strlen(hv), 36, "request id %s", hv);
        cr_assert(cf_test_reply_header(&r, "Content-Type", hv, sizeof(hv)));
        cr_assert_str_eq(hv, "application/json");
        /* timestamps: created_at (envelope) in ms, expiry in the future, https upload URL */
        const cJSON *expiry =
            cf_json_pointer(r.json, i == 0 ? "/data/url_expiry" : "/UploadMetadata/UrlExpiry");
        const cJSON *url =
            cf_json_pointer(r.json, i == 0 ? "/data/upload_url" : "/UploadMetadata/Url");
        cr_assert(cJSON_IsString(expiry) && cJSON_IsString(url));
        int64_t ms = 0;
        cr_assert(cf_time_parse_rfc3339(expiry->valuestring, strlen(expiry->valuestring), &ms));
        cr_assert(cf_time_is_iso_millis(expiry->valuestring, strlen(expiry->valuestring)));
        cr_assert_gt(ms, cf_time_now_ms() + 200 * 1000, "expiry %s", expiry->valuestring);
        cr_assert(strncmp(url->valuestring, "https://", 8) == 0);
        if (i == 0) {
            const cJSON *created = cf_json_pointer(r.json, "/data/created_at");
            int64_t c = 0;
            cr_assert(
                cf_time_parse_rfc3339(created->valuestring, strlen(created->valuestring), &c));
            cr_assert(cf_time_is_iso_millis(created->valuestring, strlen(created->valuestring)));
            cr_assert_lt(c, ms);
            cr_assert_eq(cJSON_IsTrue(cf_json_pointer(r.json, "/success")), 1);
        }
        cf_test_reply_free(&r);
        free(tok);
        cf_test_mock_stop(&s);
    }
}

Test(mock, sigv4_headers_and_charset_are_accepted, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        char *tok = cf_test_token_lit("sig");
        char *b = cf_test_mock_body("\"image/png\"", "5", "\"p.png\"", tok);
        cf_test_mock_request q = {.bearer = s.bearer,
                                  .content_type = "application/json; charset=utf-8",
                                  .body = b,
                                  .extra = "Authorization: AWS4-HMAC-SHA256 Credential=x/20250101/"
                                           "us-east-1/execute-api/aws4_request, Signature=abc"};
        cf_test_reply r;
        cf_test_mock_send(&s, &q, &r);
        cf_test_mock_assert_success(&s, &r, "sigv4 + charset");
        cf_test_reply_free(&r);
        free(b);
        free(tok);
        cf_test_mock_stop(&s);
    }
}

/* ---- validation ------------------------------------------------------------------------------ */

typedef struct {
    const char *what;
    const char *content_type, *size, *name; /* JSON text; NULL leaves the member out */
    int token;                              /* 0: leave ClientToken out */
    int ok;
} body_case;

static const body_case body_cases[] = {
    {"example", "\"text/plain\"", "1024", "\"a.txt\"", 1, 1},
    {"size 1 (minimum)", "\"text/plain\"", "1", "\"a\"", 1, 1},
    {"size 20971520 (maximum)", "\"text/plain\"", "20971520", "\"a\"", 1, 1},
    {"size 0", "\"text/plain\"", "0", "\"a\"", 1, 0},
    {"size 20971521", "\"text/plain\"", "20971521", "\"a\"", 1, 0},
    {"size -1", "\"text/plain\"", "-1", "\"a\"", 1, 0},
    {"size 1.5", "\"text/plain\"", "1.5", "\"a\"", 1, 0},
    {"size as string", "\"text/plain\"", "\"12\"", "\"a\"", 1, 0},
    {"size null", "\"text/plain\"", "null", "\"a\"", 1, 0},
    {"size missing", "\"text/plain\"", NULL, "\"a\"", 1, 0},
    {"ContentType supported", "\"application/vnd.ms-excel\"", "9", "\"a\"", 1, 1},
    {"ContentType unsupported", "\"application/zip\"", "9", "\"a\"", 1, 0},
    {"ContentType empty", "\"\"", "9", "\"a\"", 1, 0},
    {"ContentType number", "7", "9", "\"a\"", 1, 0},
    {"ContentType missing", NULL, "9", "\"a\"", 1, 0},
    {"name empty", "\"text/plain\"", "9", "\"\"", 1, 0},
    {"name number", "\"text/plain\"", "9", "12", 1, 0},
    {"name missing", "\"text/plain\"", "9", NULL, 1, 0},
    {"token missing", "\"text/plain\"", "9", "\"a\"", 0, 0},
};

Test(mock, each_validation_rule_with_boundaries, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        for (size_t k = 0; k < sizeof(body_cases) / sizeof(body_cases[0]); k++) {
            const body_case *c = &body_cases[k];
            char *tok = c->token ? cf_test_token_lit("v") : NULL;
            char *b = cf_test_mock_body(c->content_type, c->size, c->name, tok);
            cf_test_reply r;
            cf_test_mock_request q = {
                .bearer = s.bearer, .content_type = "application/json", .body = b};
            cf_test_mock_send(&s, &q, &r);
            if (c->ok)
                cf_test_mock_assert_success(&s, &r, c->what);
            else
                cf_test_mock_assert_error(&s, &r, CF_ROLE_VALIDATION, c->what);
            cf_test_reply_free(&r);
            free(b);
            free(tok);
        }
        cf_test_mock_stop(&s);
    }
}

Test(mock, string_length_boundaries_count_code_points, .timeout = 20)
{
    struct {
        char c;
        size_t n;
        int member; /* 0 name, 1 token */
        int ok;
    } cases[] = {
        {'a', 256, 0, 1}, {'a', 257, 0, 0}, {'t', 500, 1, 1}, {'t', 501, 1, 0}, {'t', 1, 1, 1}};
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
            char *lit = repeat_lit(cases[k].c, cases[k].n);
            char *tok = cf_test_token_lit("len");
            char *b = cases[k].member == 0 ? cf_test_mock_body("\"text/plain\"", "3", lit, tok)
                                           : cf_test_mock_body("\"text/plain\"", "3", "\"n\"", lit);
            cf_test_mock_request q = {
                .bearer = s.bearer, .content_type = "application/json", .body = b};
            cf_test_reply r;
            cf_test_mock_send(&s, &q, &r);
            char what[64];
            snprintf(what, sizeof(what), "%s of %zu", cases[k].member ? "token" : "name",
                     cases[k].n);
            if (cases[k].ok)
                cf_test_mock_assert_success(&s, &r, what);
            else
                cf_test_mock_assert_error(&s, &r, CF_ROLE_VALIDATION, what);
            cf_test_reply_free(&r);
            free(b);
            free(tok);
            free(lit);
        }
        /* 256 two-byte characters are 256 code points: allowed */
        cf_buf name;
        cf_buf_init(&name, 4096);
        cr_assert_eq(cf_buf_adds(&name, "\""), CF_OK);
        for (int k = 0; k < 256; k++)
            cr_assert_eq(cf_buf_adds(&name, "\xc3\xa9"), CF_OK);
        cr_assert_eq(cf_buf_adds(&name, "\""), CF_OK);
        char *tok = cf_test_token_lit("utf8");
        char *b = cf_test_mock_body("\"text/plain\"", "3", cf_buf_str(&name), tok);
        cf_test_mock_request q = {
            .bearer = s.bearer, .content_type = "application/json", .body = b};
        cf_test_reply r;
        cf_test_mock_send(&s, &q, &r);
        cf_test_mock_assert_success(&s, &r, "256 two-byte characters");
        cf_test_reply_free(&r);
        free(b);
        free(tok);
        cf_buf_free(&name);
        cf_test_mock_stop(&s);
    }
}

Test(mock, content_type_json_and_object_are_required, .timeout = 20)
{
    struct {
        const char *what, *content_type, *body;
    } cases[] = {
        {"text/plain content-type", "text/plain", NULL},
        {"no content-type", NULL, NULL},
        {"form content-type", "application/x-www-form-urlencoded", NULL},
        {"not JSON", "application/json", "{\"ContentType\": "},
        {"garbage", "application/json", "\x01\x02\xff"},
        {"empty body", "application/json", ""},
        {"array", "application/json", "[]"},
        {"string", "application/json", "\"x\""},
        {"number", "application/json", "12"},
        {"null", "application/json", "null"},
        {"two values", "application/json", "{} {}"},
    };
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        char *tok = cf_test_token_lit("ct");
        char *valid = cf_test_mock_body("\"text/plain\"", "3", "\"n\"", tok);
        for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
            cf_test_mock_request q = {.bearer = s.bearer,
                                      .content_type = cases[k].content_type,
                                      .body = cases[k].body ? cases[k].body : valid};
            if (cases[k].body && !cases[k].body[0])
                q.body = NULL;
            cf_test_reply r;
            cf_test_mock_send(&s, &q, &r);
            cf_test_mock_assert_error(&s, &r, CF_ROLE_VALIDATION, cases[k].what);
            cf_test_reply_free(&r);
        }
        free(valid);
        free(tok);
        cf_test_mock_stop(&s);
    }
}

Test(mock, body_over_the_bound_is_a_validation_error_and_server_goes_on, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        size_t n = CF_MAX_REQUEST_BODY + 1;
        char *big = malloc(n);
        cr_assert_not_null(big);
        /* valid JSON were it not too long */
        memset(big, ' ', n);
        big[0] = '{';
        big[n - 1] = '}';
        cf_test_mock_request q = {
            .bearer = s.bearer, .content_type = "application/json", .body = big, .body_len = n};
        cf_test_reply r;
        cf_test_mock_send(&s, &q, &r);
        cf_test_mock_assert_error(&s, &r, CF_ROLE_VALIDATION, "body over the bound");
        cr_assert_not_null(strstr(cf_test_mock_message(&s, &r), "too large"), "message: %s",
                           cf_test_mock_message(&s, &r));
        cf_test_reply_free(&r);
        free(big);
        /* announced with Expect: 100-continue, it is refused before the body is sent */
        n = 20u * 1024u * 1024u;
        big = malloc(n);
        cr_assert_not_null(big);
        memset(big, ' ', n);
        q = (cf_test_mock_request){.bearer = s.bearer,
                                   .content_type = "application/json",
                                   .body = big,
                                   .body_len = n,
                                   .expect_continue = 1};
        cf_test_mock_send(&s, &q, &r);
        cf_test_mock_assert_error(&s, &r, CF_ROLE_VALIDATION, "20 MiB with Expect: 100-continue");
        cf_test_reply_free(&r);
        free(big);
        char *tok = cf_test_token_lit("after-big");
        cf_test_mock_post_valid(&s, s.bearer, tok, &r);
        cf_test_mock_assert_success(&s, &r, "request after an oversized one");
        cf_test_reply_free(&r);
        free(tok);
        cf_test_mock_stop(&s);
    }
}

Test(mock, deep_nesting_is_a_validation_error, .timeout = 20)
{
    cf_test_mock s;
    cf_test_mock_start(&s, cf_test_mock_specs[0], NULL);
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 32);
    cr_assert_not_null(deep);
    size_t p = (size_t)sprintf(deep, "{\"a\":");
    memset(deep + p, '[', depth);
    p += depth;
    memset(deep + p, ']', depth);
    p += depth;
    deep[p++] = '}';
    cf_test_mock_request q = {
        .bearer = s.bearer, .content_type = "application/json", .body = deep, .body_len = p};
    cf_test_reply r;
    cf_test_mock_send(&s, &q, &r);
    cf_test_mock_assert_error(&s, &r, CF_ROLE_VALIDATION, "deep nesting");
    cr_assert_not_null(strstr(cf_test_mock_message(&s, &r), "deeper"));
    cf_test_reply_free(&r);
    free(deep);
    cf_test_mock_stop(&s);
}

/* RFC 8259 8.1: JSON text is UTF-8. A string member holding a lone continuation byte, an
 * overlong '/' or a cut-off sequence is refused as a validation error naming the encoding (the
 * answer would otherwise echo the bytes back as invalid JSON), and the server goes on. */
Test(mock, a_body_that_is_not_utf8_is_a_validation_error, .timeout = 20)
{
    static const char *const bodies[] = {
        "{\"AttachmentName\":\"a\200z.txt\"}",
        "{\"AttachmentName\":\"\300\257.txt\"}",
        "{\"AttachmentName\":\"cut\342\202\"}",
    };
    cf_test_mock s;
    cf_test_mock_start(&s, cf_test_mock_specs[0], NULL);
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        cf_test_mock_request q = {.bearer = s.bearer,
                                  .content_type = "application/json",
                                  .body = bodies[i],
                                  .body_len = strlen(bodies[i])};
        cf_test_reply r;
        cf_test_mock_send(&s, &q, &r);
        cf_test_mock_assert_error(&s, &r, CF_ROLE_VALIDATION, "body not UTF-8");
        cr_expect_not_null(strstr(cf_test_mock_message(&s, &r), "not valid UTF-8"), "body %zu: %s",
                           i, cf_test_mock_message(&s, &r));
        cf_test_reply_free(&r);
    }
    cf_test_mock_stop(&s);
}

/* ---- authentication -------------------------------------------------------------------------- */

Test(mock, auth_missing_empty_or_unknown_is_denied, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        char *suffixed = malloc(strlen(s.bearer) + 2);
        cr_assert_not_null(suffixed);
        sprintf(suffixed, "%sx", s.bearer);
        char *prefix = malloc(strlen(s.bearer) + 1);
        cr_assert_not_null(prefix);
        snprintf(prefix, strlen(s.bearer), "%s", s.bearer); /* one character short */
        const char *bearers[] = {NULL, "", "some-unknown-token", suffixed, prefix, "x"};
        for (size_t k = 0; k < sizeof(bearers) / sizeof(bearers[0]); k++) {
            char *tok = cf_test_token_lit("auth");
            cf_test_reply r;
            cf_test_mock_post_valid(&s, bearers[k], tok, &r);
            char what[64];
            snprintf(what, sizeof(what), "bearer case %zu", k);
            cf_test_mock_assert_error(&s, &r, CF_ROLE_AUTH, what);
            if (bearers[k] && strlen(bearers[k]) > 3)
                cr_assert_null(strstr(cf_buf_str(&r.body), bearers[k]), "echoed %s", bearers[k]);
            cf_test_reply_free(&r);
            free(tok);
        }
        /* the second caller's credential works too */
        char *tok = cf_test_token_lit("alt");
        cf_test_reply r;
        cf_test_mock_post_valid(&s, s.bearer_alt, tok, &r);
        cf_test_mock_assert_success(&s, &r, "second caller");
        cf_test_reply_free(&r);
        free(tok);
        free(suffixed);
        free(prefix);
        cf_test_mock_stop(&s);
    }
}

Test(mock, auth_is_checked_before_validation, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        cf_test_mock_request q = {
            .bearer = "unknown-token", .content_type = "text/plain", .body = "[1"};
        cf_test_reply r;
        cf_test_mock_send(&s, &q, &r);
        cf_test_mock_assert_error(&s, &r, CF_ROLE_AUTH, "unknown token and a bad body");
        cf_test_reply_free(&r);
        q.bearer = NULL;
        cf_test_mock_send(&s, &q, &r);
        cf_test_mock_assert_error(&s, &r, CF_ROLE_AUTH, "no token and a bad body");
        cf_test_reply_free(&r);
        cf_test_mock_stop(&s);
    }
}

Test(mock, messages_never_repeat_a_secret, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        /* the credential placed where the validator might quote it */
        char lit[512];
        snprintf(lit, sizeof(lit), "\"%s\"", s.bearer);
        char *tok = cf_test_token_lit("echo");
        char *b = cf_test_mock_body(lit, "3", lit, tok);
        cf_test_mock_request q = {
            .bearer = s.bearer, .content_type = "application/json", .body = b};
        cf_test_reply r;
        cf_test_mock_send(&s, &q, &r);
        cf_test_mock_assert_error(&s, &r, CF_ROLE_VALIDATION, "credential as ContentType");
        cf_test_reply_free(&r);
        free(b);
        snprintf(lit, sizeof(lit), "text/%s", s.bearer_alt);
        cf_test_mock_request q2 = {.bearer = s.bearer, .content_type = lit, .body = "{}"};
        cf_test_mock_send(&s, &q2, &r);
        cf_test_mock_assert_error(&s, &r, CF_ROLE_VALIDATION, "unsupported content-type");
        cr_assert_null(strstr(cf_buf_str(&r.body), s.bearer_alt));
        cf_test_reply_free(&r);
        free(tok);
        cf_test_mock_stop(&s);
    }
}

/* ---- answer templates ------------------------------------------------------------------------ */

/* The bundled envelope spec with extra members in the success template. */
static cf_spec *spec_with_success_members(const char *const *kv, size_t n)
{
    const char *pointers[8];
    cJSON *values[8];
    cr_assert(n / 2 <= 8);
    for (size_t i = 0; i + 1 < n; i += 2) {
        pointers[i / 2] = kv[i];
        values[i / 2] = cJSON_CreateString(kv[i + 1]);
    }
    return cf_test_spec_edited(cf_test_mock_specs[0], pointers, values, n / 2);
}

Test(mock, size_placeholder_becomes_the_requested_number, .timeout = 20)
{
    const char *kv[] = {"/mock/success/body/data/size",  "{$size}",
                        "/mock/success/body/data/text",  "bytes={$size}",
                        "/mock/success/body/data/named", "{$size:/AttachmentSizeInBytes}"};
    cf_spec *spec = spec_with_success_members(kv, 6);
    cf_secrets vars = {0};
    char err[512] = "";
    cr_assert_eq(cf_vars_resolve(spec, NULL, &vars, err, sizeof(err)), CF_OK, "%s", err);
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.spec = spec;
    o.secrets = &vars;
    o.port = 0;
    cf_test_mock s;
    memset(&s, 0, sizeof(s));
    cr_assert_eq(cf_mock_start(&o, &s.mock, err, sizeof(err)), CF_OK, "%s", err);
    snprintf(s.url, sizeof(s.url), "%s%s", cf_mock_url(s.mock), spec->op.path);
    char *tok = cf_test_token_lit("size");
    char *b = cf_test_mock_body("\"text/plain\"", "20971520", "\"a\"", tok);
    cf_test_mock_request q = {
        .bearer = cf_secrets_get(&vars, "bearer"), .content_type = "application/json", .body = b};
    cf_test_reply r;
    cf_test_mock_send(&s, &q, &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    const cJSON *size = cf_json_pointer(r.json, "/data/size");
    cr_assert(cJSON_IsNumber(size), "body %s", cf_buf_str(&r.body));
    cr_assert_float_eq(size->valuedouble, 20971520.0, 0.5);
    const cJSON *named = cf_json_pointer(r.json, "/data/named");
    cr_assert(cJSON_IsNumber(named));
    cr_assert_str_eq(cf_json_pointer(r.json, "/data/text")->valuestring, "bytes=20971520");
    cf_test_reply_free(&r);
    free(b);
    free(tok);
    cf_mock_stop(s.mock);
    cf_secrets_cleanup(&vars);
    cf_spec_free(spec);
}

Test(mock, broken_answer_template_fails_the_start, .timeout = 10)
{
    const char *kv[] = {"/mock/success/body/data/oops", "{no_such_variable}"};
    cf_spec *spec = NULL;
    /* the loader may already refuse it; then the linter is what protects the mock */
    FILE *f = fopen(cf_test_mock_specs[0], "rb");
    cr_assert_not_null(f);
    static char text[1u << 20];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = '\0';
    cJSON *root = cJSON_Parse(text);
    cr_assert_eq(cf_json_pointer_set(root, kv[0], cJSON_CreateString(kv[1])), CF_OK);
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    cf_diags d;
    cf_diags_init(&d);
    cf_rc rc = cf_spec_load_mem("broken.json", out, strlen(out), &spec, &d);
    cJSON_free(out);
    cf_diags_cleanup(&d);
    if (rc != CF_OK) {
        cr_assert_null(spec);
        return;
    }
    cf_secrets vars = {0};
    char err[512] = "";
    cr_assert_eq(cf_vars_resolve(spec, NULL, &vars, err, sizeof(err)), CF_OK, "%s", err);
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.spec = spec;
    o.secrets = &vars;
    o.port = 0;
    cf_mock *m = NULL;
    cr_assert_eq(cf_mock_start(&o, &m, err, sizeof(err)), CF_E_INVALID);
    cr_assert_null(m);
    cr_assert_not_null(strstr(err, "no_such_variable"), "%s", err);
    cf_secrets_cleanup(&vars);
    cf_spec_free(spec);
}

/* ---- without a socket ------------------------------------------------------------------------ */

Test(mock, handle_answers_without_a_socket_like_a_connection, .timeout = 10)
{
    cf_spec *spec = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cr_assert_eq(cf_spec_load_file(cf_test_mock_specs[1], &spec, &d), CF_OK);
    cf_diags_cleanup(&d);
    cf_secrets vars;
    cf_headers h;
    cf_mock *m = cf_test_mock_offline(spec, &vars, &h);
    cr_assert_eq(cf_mock_port(m), 0);
    cr_assert_str_eq(cf_mock_url(m), "");

    const char *body = "{\"ContentType\":\"text/csv\",\"AttachmentSizeInBytes\":2,"
                       "\"AttachmentName\":\"h\",\"ClientToken\":\"handle-1\"}";
    cf_mock_answer a;
    cr_assert_eq(cf_mock_handle(m, "POST", spec->op.path, &h, body, strlen(body), &a), CF_OK);
    cr_assert_eq(a.status, 200, "%s", a.body);
    cr_assert_not_null(cf_headers_get(&a.headers, "x-amzn-RequestId"));
    cr_assert_str_eq(cf_headers_get(&a.headers, "Content-Type"), "application/json");
    cJSON *first = cJSON_Parse(a.body);
    cr_assert_not_null(cJSON_GetObjectItem(first, "AttachmentId"));
    cf_mock_answer_cleanup(&a);

    /* the same store as a connection: a replay, even with a query on the path */
    char path[256];
    snprintf(path, sizeof(path), "%s?x=1", spec->op.path);
    cr_assert_eq(cf_mock_handle(m, "POST", path, &h, body, strlen(body), &a), CF_OK);
    cJSON *again = cJSON_Parse(a.body);
    cr_assert_str_eq(cJSON_GetObjectItem(again, "AttachmentId")->valuestring,
                     cJSON_GetObjectItem(first, "AttachmentId")->valuestring);
    cf_mock_answer_cleanup(&a);
    cJSON_Delete(first);
    cJSON_Delete(again);

    cr_assert_eq(cf_mock_handle(m, "POST", spec->op.path, NULL, body, strlen(body), &a), CF_OK);
    cr_assert_eq(a.status, 403);
    cr_assert_str_eq(cf_headers_get(&a.headers, "x-amzn-ErrorType"), "AccessDeniedException");
    cf_mock_answer_cleanup(&a);
    cr_assert_eq(cf_mock_handle(m, "POST", spec->op.path, &h, "[", 1, &a), CF_OK);
    cr_assert_eq(a.status, 400);
    cf_mock_answer_cleanup(&a);
    cr_assert_eq(cf_mock_handle(m, "POST", spec->op.path, &h, body, CF_MAX_REQUEST_BODY + 1, &a),
                 CF_OK);
    cr_assert_eq(a.status, 400);
    cr_assert_not_null(strstr(a.body, "too large"));
    cf_mock_answer_cleanup(&a);
    cr_assert_eq(cf_mock_handle(m, "POST", "/elsewhere", &h, body, strlen(body), &a), CF_OK);
    cr_assert_eq(a.status, 404);
    cf_mock_answer_cleanup(&a);
    cr_assert_eq(cf_mock_handle(m, "DELETE", spec->op.path, &h, NULL, 0, &a), CF_OK);
    cr_assert_eq(a.status, 405);
    cf_mock_answer_cleanup(&a);
    cf_mock_answer_cleanup(NULL);

    cf_mock_stats st;
    cf_mock_stats_get(m, &st);
    cr_assert_eq(st.requests, 7);
    cr_assert_eq(st.successes, 2);
    cr_assert_eq(st.created, 1);
    cf_headers_cleanup(&h);
    cf_mock_stop(m);
    cf_secrets_cleanup(&vars);
    cf_spec_free(spec);
}

/* ---- routing ------------------------------------------------------------------------------- */

Test(mock, unknown_path_is_404_and_wrong_method_405_in_json, .timeout = 20)
{
    cf_test_mock s;
    cf_test_mock_start(&s, cf_test_mock_specs[1], NULL);
    char url[300];
    snprintf(url, sizeof(url), "%s/participant/nope", cf_mock_url(s.mock));
    cf_test_mock_request q = {
        .url = url, .bearer = s.bearer, .content_type = "application/json", .body = "{}"};
    cf_test_reply r;
    cf_test_mock_send(&s, &q, &r);
    cr_assert_eq(r.status, 404);
    cr_assert_not_null(r.json, "404 body %s", cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    cf_test_mock_request g = {.method = "GET", .bearer = s.bearer};
    cf_test_mock_send(&s, &g, &r);
    cr_assert_eq(r.status, 405);
    cr_assert_not_null(r.json);
    char allow[64];
    cr_assert(cf_test_reply_header(&r, "Allow", allow, sizeof(allow)));
    cr_assert_str_eq(allow, "POST");
    cf_test_reply_free(&r);
    cf_test_mock_stop(&s);
}

/* ---- robustness on the wire ------------------------------------------------------------------ */

/* Sends raw bytes on a fresh connection and reads what comes back (up to 2 s). */
static size_t raw_exchange(unsigned port, const char *bytes, size_t len, char *out, size_t cap)
{
    int fd = cf_test_connect((unsigned short)port);
    cr_assert_geq(fd, 0);
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    size_t sent = 0;
    while (sent < len) {
        ssize_t n = send(fd, bytes + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    size_t got = 0;
    while (got + 1 < cap) {
        ssize_t n = recv(fd, out + got, cap - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    out[got] = '\0';
    close(fd);
    return got;
}

static void assert_still_serving(const cf_test_mock *s, const char *after)
{
    char *tok = cf_test_token_lit("alive");
    cf_test_reply r;
    cf_test_mock_post_valid(s, s->bearer, tok, &r);
    cf_test_mock_assert_success(s, &r, after);
    cf_test_reply_free(&r);
    free(tok);
}

Test(mock, malformed_http_never_stops_the_server, .timeout = 20)
{
    cf_test_mock s;
    cf_test_mock_start(&s, cf_test_mock_specs[0], NULL);
    static const char *const garbage[] = {
        "GARBAGE\r\n\r\n",
        "POST /participant/start-attachment-upload HTTP/1.1\r\nHost: x\r\nContent-Length: "
        "abc\r\n\r\n{}",
        "POST /participant/start-attachment-upload HTTP/1.1\r\nHost: x\r\nContent-Length: "
        "99999999999999999999999\r\n\r\n{}",
        "POST /participant/start-attachment-upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
        "chunked\r\n\r\nzz\r\n",
        "POST /participant/start-attachment-upload HTTP/9.9\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", /* a TLS ClientHello start */
        "POST /participant/start-attachment-upload HTTP/1.1\r\nHost: x\r\nX-A: b\r\n c\r\n"
        "Content-Length: 10\r\n\r\n{",
        "POST",
        "",
    };
    char buf[8192];
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        size_t len = strlen(garbage[i]);
        if (i == 5)
            len = 11;
        raw_exchange(cf_mock_port(s.mock), garbage[i], len, buf, sizeof(buf));
        char what[64];
        snprintf(what, sizeof(what), "after garbage %zu", i);
        assert_still_serving(&s, what);
    }
    /* a body announced far past what is drained is refused from the head alone */
    char head[512];
    snprintf(head, sizeof(head),
             "POST /participant/start-attachment-upload HTTP/1.1\r\nHost: x\r\n"
             "X-Amz-Bearer: %s\r\nContent-Type: application/json\r\n"
             "Content-Length: 1000000000\r\n\r\n",
             s.bearer);
    raw_exchange(cf_mock_port(s.mock), head, strlen(head), buf, sizeof(buf));
    cr_assert(strncmp(buf, "HTTP/1.1 400", 12) == 0, "answer: %s", buf);
    cr_assert_not_null(strstr(buf, "too large"), "answer: %s", buf);
    /* a well-formed raw request with a chunked body gets its JSON answer */
    char req[1024];
    const char *body = "{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":1,"
                       "\"AttachmentName\":\"c\",\"ClientToken\":\"chunked-1\"}";
    snprintf(req, sizeof(req),
             "POST /participant/start-attachment-upload HTTP/1.1\r\nHost: x\r\n"
             "X-Amz-Bearer: %s\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n%zx\r\n%s\r\n0\r\n\r\n",
             s.bearer, strlen(body), body);
    raw_exchange(cf_mock_port(s.mock), req, strlen(req), buf, sizeof(buf));
    cr_assert(strncmp(buf, "HTTP/1.1 200", 12) == 0, "chunked answer: %s", buf);
    cf_test_mock_stop(&s);
}

Test(mock, huge_header_is_refused_and_server_survives, .timeout = 20)
{
    cf_test_mock s;
    cf_test_mock_start(&s, cf_test_mock_specs[1], NULL);
    size_t n = 200 * 1024;
    char *extra = malloc(n + 16);
    cr_assert_not_null(extra);
    memcpy(extra, "X-Big: ", 7);
    memset(extra + 7, 'h', n);
    extra[7 + n] = '\0';
    char *tok = cf_test_token_lit("big");
    char *b = cf_test_mock_body("\"text/plain\"", "1", "\"a\"", tok);
    cf_test_mock_request q = {
        .bearer = s.bearer, .content_type = "application/json", .body = b, .extra = extra};
    cf_test_reply r;
    cf_test_mock_send(&s, &q, &r);
    cr_assert(r.status == 0 || (r.status >= 400 && r.status < 500), "status %ld", r.status);
    cf_test_reply_free(&r);
    assert_still_serving(&s, "after a huge header");
    free(b);
    free(tok);
    free(extra);
    cf_test_mock_stop(&s);
}

Test(mock, idle_slow_connection_does_not_block_others, .timeout = 20)
{
    cf_test_mock s;
    cf_test_mock_start(&s, cf_test_mock_specs[0], NULL);
    /* half a request head, never finished: a slowloris */
    int fd = cf_test_connect((unsigned short)cf_mock_port(s.mock));
    cr_assert_geq(fd, 0);
    const char *part = "POST /participant/start-attachment-upload HTTP/1.1\r\nHost: x\r\n";
    cr_assert_gt(send(fd, part, strlen(part), MSG_NOSIGNAL), 0);
    assert_still_serving(&s, "while a slow client holds a connection");
    close(fd);
    cf_test_mock_stop(&s);
}

Test(mock, idle_connection_is_closed_after_the_timeout, .timeout = 20)
{
    cf_test_mock s;
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.timeout_s = 1;
    cf_test_mock_start_opts(&s, cf_test_mock_specs[0], &o);
    int fd = cf_test_connect((unsigned short)cf_mock_port(s.mock));
    cr_assert_geq(fd, 0);
    const char *part = "POST /participant/start-attachment-upload HTTP/1.1\r\nHo";
    cr_assert_gt(send(fd, part, strlen(part), MSG_NOSIGNAL), 0);
    struct timeval tv = {8, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    double t0 = cf_time_mono_ms();
    char c;
    ssize_t n = recv(fd, &c, 1, 0);
    double waited = cf_time_mono_ms() - t0;
    cr_assert_leq(n, 0, "expected the server to close the idle connection");
    cr_assert_lt(waited, 7000.0, "closed only after %.0f ms", waited);
    close(fd);
    cf_test_mock_stop(&s);
}
