/* mock_fixture.c - the mock on a loopback port, and the requests and assertions its tests
 * share. */
#include "mock_fixture.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/json.h"
#include "contract/schema.h"
#include "contract/vars.h"

const char *const cf_test_mock_specs[CF_TEST_MOCK_SPECS] = {
    CF_TEST_SPEC_DIR "start-attachment-upload.json",
    CF_TEST_SPEC_DIR "start-attachment-upload.aws.json",
};

void cf_test_mock_start_opts(cf_test_mock *s, const char *file, cf_mock_opts *o)
{
    memset(s, 0, sizeof(*s));
    cf_diags d;
    cf_diags_init(&d);
    cf_rc rc = cf_spec_load_file(file, &s->spec, &d);
    if (rc != CF_OK && d.count)
        cr_log_error("%s:%s: %s", file, d.items[0].path, d.items[0].message);
    cf_diags_cleanup(&d);
    cr_assert_eq(rc, CF_OK, "loading %s: %s", file, cf_strerror(rc));
    char err[512] = "";
    rc = cf_vars_resolve(s->spec, NULL, &s->vars, err, sizeof(err));
    cr_assert_eq(rc, CF_OK, "vars: %s", err);
    s->bearer = cf_secrets_get(&s->vars, "bearer");
    s->bearer_alt = cf_secrets_get(&s->vars, "bearer_alt");
    cr_assert_not_null(s->bearer);
    cr_assert_not_null(s->bearer_alt);
    o->spec = s->spec;
    o->secrets = &s->vars;
    o->bind = "127.0.0.1";
    o->port = 0;
    rc = cf_mock_start(o, &s->mock, err, sizeof(err));
    cr_assert_eq(rc, CF_OK, "cf_mock_start: %s (%s)", err, cf_strerror(rc));
    cr_assert_gt(cf_mock_port(s->mock), 0);
    snprintf(s->url, sizeof(s->url), "%s%s", cf_mock_url(s->mock), s->spec->op.path);
}

/* Starts the mock with faults given as --fault texts (NULL-terminated list, may be NULL). */
void cf_test_mock_start(cf_test_mock *s, const char *file, const char *const *faults)
{
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.seed = 42;
    o.seed_set = 1;
    for (; faults && *faults; faults++) {
        char err[256];
        cr_assert_eq(cf_mock_fault_parse(*faults, &o.faults, err, sizeof(err)), CF_OK, "%s: %s",
                     *faults, err);
    }
    cf_test_mock_start_opts(s, file, &o);
}

void cf_test_mock_stop(cf_test_mock *s)
{
    cf_mock_stop(s->mock);
    cf_secrets_cleanup(&s->vars);
    cf_spec_free(s->spec);
    memset(s, 0, sizeof(*s));
}

void cf_test_mock_send(const cf_test_mock *s, const cf_test_mock_request *q, cf_test_reply *r)
{
    char bearer[2048], type[2048];
    const char *lines[4];
    size_t n = 0;
    lines[n++] = "Accept: application/json";
    if (q->bearer) {
        if (q->bearer[0])
            snprintf(bearer, sizeof(bearer), "X-Amz-Bearer: %s", q->bearer);
        else
            snprintf(bearer, sizeof(bearer), "X-Amz-Bearer;");
        lines[n++] = bearer;
    }
    if (q->content_type)
        snprintf(type, sizeof(type), "Content-Type: %s", q->content_type);
    else
        snprintf(type, sizeof(type), "Content-Type:");
    lines[n++] = type;
    if (q->extra)
        lines[n++] = q->extra;
    cf_test_request h = {.method = q->method,
                         .url = q->url ? q->url : s->url,
                         .headers = lines,
                         .header_count = n,
                         .body = q->body ? q->body : "",
                         .body_len = q->body ? q->body_len : 0,
                         .expect_continue = q->expect_continue};
    cf_test_http_send(&h, r);
}

/* A request body from its four members; NULL leaves one out, values are JSON text. */
cf_spec *cf_test_spec_edited(const char *file, const char *const *pointers, cJSON *const *values,
                             size_t n)
{
    FILE *f = fopen(file, "rb");
    cr_assert_not_null(f, "%s", file);
    static char text[1u << 20];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = '\0';
    cJSON *root = cJSON_Parse(text);
    cr_assert_not_null(root, "%s", file);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(cf_json_pointer_set(root, pointers[i], values[i]), CF_OK, "%s", pointers[i]);
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    cr_assert_not_null(out);
    cf_spec *spec = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cf_rc rc = cf_spec_load_mem(file, out, strlen(out), &spec, &d);
    cr_assert_eq(rc, CF_OK, "%s", d.count ? d.items[0].message : cf_strerror(rc));
    cf_diags_cleanup(&d);
    cJSON_free(out);
    return spec;
}

cf_mock *cf_test_mock_offline(cf_spec *spec, cf_secrets *vars, cf_headers *auth)
{
    char err[512] = "";
    memset(vars, 0, sizeof(*vars));
    memset(auth, 0, sizeof(*auth));
    cr_assert_eq(cf_vars_resolve(spec, NULL, vars, err, sizeof(err)), CF_OK, "%s", err);
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.spec = spec;
    o.secrets = vars;
    o.no_listen = 1;
    cf_mock *m = NULL;
    cr_assert_eq(cf_mock_start(&o, &m, err, sizeof(err)), CF_OK, "%s", err);
    cr_assert_eq(cf_headers_add(auth, "x-amz-bearer", cf_secrets_get(vars, "bearer")), CF_OK);
    cr_assert_eq(cf_headers_add(auth, "content-type", "application/json"), CF_OK);
    return m;
}

char *cf_test_mock_body(const char *content_type, const char *size, const char *name,
                        const char *token)
{
    cf_buf b;
    cf_buf_init(&b, 8u * 1024u * 1024u);
    const char *sep = "";
    cf_rc rc = cf_buf_adds(&b, "{");
    const char *keys[4] = {"ContentType", "AttachmentSizeInBytes", "AttachmentName", "ClientToken"};
    const char *vals[4] = {content_type, size, name, token};
    for (int i = 0; i < 4 && rc == CF_OK; i++) {
        if (!vals[i])
            continue;
        rc = cf_buf_addf(&b, "%s\"%s\":%s", sep, keys[i], vals[i]);
        sep = ",";
    }
    if (rc == CF_OK)
        rc = cf_buf_adds(&b, "}");
    cr_assert_eq(rc, CF_OK);
    return cf_buf_take(&b);
}

char *cf_test_token_lit(const char *label)
{
    char *s = malloc(128);
    cr_assert_not_null(s);
    static unsigned counter;
    snprintf(s, 128, "\"%s-%ld-%u-%u\"", label, (long)getpid(), (unsigned)time(NULL), ++counter);
    return s;
}

/* POSTs a valid body with the given token as the first caller. */
void cf_test_mock_post_valid(const cf_test_mock *s, const char *bearer, const char *token_json,
                             cf_test_reply *r)
{
    char *b = cf_test_mock_body("\"text/plain\"", "1024", "\"a.txt\"", token_json);
    cf_test_mock_request q = {.bearer = bearer, .content_type = "application/json", .body = b};
    cf_test_mock_send(s, &q, r);
    free(b);
}

/* The error code of an error answer, per the spec's locator; "" when none. */
const char *cf_test_mock_code(const cf_test_mock *s, const cf_test_reply *r, char *out, size_t n)
{
    out[0] = '\0';
    if (s->spec->resp.code.header) {
        cf_test_reply_header(r, s->spec->resp.code.header, out, n);
    } else if (s->spec->resp.code.pointer) {
        const cJSON *v = cf_json_pointer(r->json, s->spec->resp.code.pointer);
        if (cJSON_IsString(v))
            snprintf(out, n, "%s", v->valuestring);
    }
    return out;
}

const char *cf_test_mock_message(const cf_test_mock *s, const cf_test_reply *r)
{
    const cJSON *v = cf_json_pointer(
        r->json, s->spec->resp.message.pointer ? s->spec->resp.message.pointer : "/Message");
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* The first "identical" member (the resource id); NULL when absent. */
const char *cf_test_mock_id(const cf_test_mock *s, const cf_test_reply *r)
{
    const cJSON *v = cf_json_pointer(r->json, s->spec->idem.identical[0]);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void cf_test_mock_assert_error(const cf_test_mock *s, const cf_test_reply *r, cf_role role,
                               const char *what)
{
    const char *want = cf_spec_role_code(s->spec, role);
    char code[128];
    cr_assert_not_null(want);
    cr_assert_eq(r->status, cf_spec_code_status(s->spec, want), "%s (%s): status %ld, body %s",
                 what, s->spec->file, r->status, cf_buf_str(&r->body));
    cr_assert_str_eq(cf_test_mock_code(s, r, code, sizeof(code)), want, "%s (%s): body %s", what,
                     s->spec->file, cf_buf_str(&r->body));
    cf_diags d;
    cf_diags_init(&d);
    size_t bad = cf_schema_validate(s->spec->resp.error_schema, r->json, "", &d);
    cr_assert_eq(bad, 0, "%s: error body %s breaks the error schema: %s", what,
                 cf_buf_str(&r->body), d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
    cr_assert_gt(strlen(cf_test_mock_message(s, r)), 0, "%s: empty message", what);
    char hv[256];
    cr_assert(cf_test_reply_header(r, "Content-Type", hv, sizeof(hv)));
    cr_assert(strncmp(hv, "application/json", 16) == 0, "content-type %s", hv);
    /* Security: never the credential, in the body or any header. */
    cr_assert_null(strstr(cf_buf_str(&r->body), s->bearer), "%s: body echoes the bearer", what);
    cr_assert_null(strstr(cf_buf_str(&r->head), s->bearer), "%s: headers echo the bearer", what);
}

void cf_test_mock_assert_success(const cf_test_mock *s, const cf_test_reply *r, const char *what)
{
    cr_assert_eq(r->status, s->spec->resp.success_status, "%s (%s): status %ld, body %s", what,
                 s->spec->file, r->status, cf_buf_str(&r->body));
    cf_diags d;
    cf_diags_init(&d);
    size_t bad = cf_schema_validate(s->spec->resp.success_schema, r->json, "", &d);
    cr_assert_eq(bad, 0, "%s: success body %s breaks the schema: %s %s", what, cf_buf_str(&r->body),
                 d.count ? d.items[0].path : "", d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
    cr_assert_not_null(cf_test_mock_id(s, r));
}

/* ---- any contract -------------------------------------------------------------------------- */

void cf_test_api_mock_start(cf_test_api_mock *s, const char *file, const char *const *faults)
{
    memset(s, 0, sizeof(*s));
    cf_diags d;
    cf_diags_init(&d);
    cf_rc rc = cf_suite_load_file(file, &s->suite, &d);
    if (rc != CF_OK && d.count)
        cr_log_error("%s:%s: %s", file, d.items[0].path, d.items[0].message);
    cf_diags_cleanup(&d);
    cr_assert_eq(rc, CF_OK, "loading %s: %s", file, cf_strerror(rc));
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.api = s->suite->api;
    o.seed = 42;
    o.seed_set = 1;
    char err[512] = "";
    for (; faults && *faults; faults++)
        cr_assert_eq(cf_mock_fault_parse(*faults, &o.faults, err, sizeof(err)), CF_OK, "%s: %s",
                     *faults, err);
    rc = cf_mock_start(&o, &s->mock, err, sizeof(err));
    cr_assert_eq(rc, CF_OK, "cf_mock_start: %s (%s)", err, cf_strerror(rc));
    snprintf(s->base, sizeof(s->base), "%s", cf_mock_url(s->mock));
}

void cf_test_api_mock_stop(cf_test_api_mock *s)
{
    cf_mock_stop(s->mock);
    cf_suite_free(s->suite);
    memset(s, 0, sizeof(*s));
}

void cf_test_api_call(const cf_test_api_mock *s, const char *method, const char *path,
                      const char *const *headers, const char *body, cf_test_reply *r)
{
    const char *lines[16];
    size_t n = 0;
    int typed = 0;
    for (; headers && *headers && n + 2 < sizeof(lines) / sizeof(lines[0]); headers++) {
        typed |= strncasecmp(*headers, "Content-Type:", 13) == 0;
        lines[n++] = *headers;
    }
    lines[n++] = body && !typed ? "Content-Type: application/json" : "Content-Type:";
    char url[2048];
    snprintf(url, sizeof(url), "%s%s", s->base, path);
    cf_test_request q = {.method = method,
                         .url = url,
                         .headers = lines,
                         .header_count = n,
                         .body = body,
                         .body_len = body ? strlen(body) : 0};
    cr_assert_eq(cf_test_http_send(&q, r), 0, "%s %s: %s", method, path, r->error);
}

const char *cf_test_reply_string(const cf_test_reply *r, const char *pointer)
{
    const cJSON *v = cf_json_pointer(r->json, pointer);
    cr_assert(cJSON_IsString(v), "no string at %s in %s", pointer, cf_buf_str(&r->body));
    return v->valuestring;
}
