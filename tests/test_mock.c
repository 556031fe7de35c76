/* test_mock.c - the mock over real HTTP against both bundled specs, and `conform serve`. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "mock/mock.h"
#include "mock/store.h"
#include "contract/schema.h"
#include "contract/spec.h"
#include "base/timefmt.h"
#include "contract/vars.h"

#define SPEC_DIR CONFORM_SOURCE_DIR "/specs/connect-participant/"
#define CONFORM_BIN CONFORM_BINARY_DIR "/conform"

static const char *const spec_files[] = {
    SPEC_DIR "start-attachment-upload.json",
    SPEC_DIR "start-attachment-upload.aws.json",
};
#define SPEC_COUNT (sizeof(spec_files) / sizeof(spec_files[0]))

/* ---- fixture: a spec, its variables and a running mock ------------------------------------ */

typedef struct {
    cf_spec *spec;
    cf_secrets vars;
    cf_mock *mock;
    char url[256]; /* the operation's URL on the mock */
    const char *bearer;
    const char *bearer_alt;
} server;

static void server_start_opts(server *s, const char *file, cf_mock_opts *o)
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
static void server_start(server *s, const char *file, const char *const *faults)
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
    server_start_opts(s, file, &o);
}

static void server_stop(server *s)
{
    cf_mock_stop(s->mock);
    cf_secrets_cleanup(&s->vars);
    cf_spec_free(s->spec);
    memset(s, 0, sizeof(*s));
}

static void init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void fini(void)
{
    curl_global_cleanup();
}

/* ---- an HTTP client on libcurl easy -------------------------------------------------------- */

typedef struct {
    long status; /* 0: no HTTP answer (connection error) */
    cf_buf body;
    cf_buf head; /* raw header lines */
    cJSON *json;
    double elapsed_ms;
} reply;

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
    return cf_buf_add(user, p, size * n) == CF_OK ? size * n : 0;
}

typedef struct {
    const char *method;       /* NULL: POST */
    const char *url;          /* NULL: the operation's URL */
    const char *bearer;       /* NULL: header not sent; "" sent empty */
    const char *content_type; /* NULL: not sent */
    const char *body;         /* NULL: no body */
    size_t body_len;          /* 0: strlen(body) */
    const char *extra;        /* one more "Name: value" header, may be NULL */
    int expect_continue;      /* 1: let curl send "Expect: 100-continue" for big bodies */
} request_opts;

static void reply_free(reply *r)
{
    cf_buf_free(&r->body);
    cf_buf_free(&r->head);
    cJSON_Delete(r->json);
    memset(r, 0, sizeof(*r));
}

static void send_req(const server *s, const request_opts *q, reply *r)
{
    memset(r, 0, sizeof(*r));
    cf_buf_init(&r->body, 16u * 1024u * 1024u);
    cf_buf_init(&r->head, 1024u * 1024u);
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    struct curl_slist *h = NULL;
    char line[2048];
    if (!q->expect_continue)
        h = curl_slist_append(h, "Expect:");
    h = curl_slist_append(h, "Accept: application/json");
    if (q->bearer) {
        if (q->bearer[0])
            snprintf(line, sizeof(line), "X-Amz-Bearer: %s", q->bearer);
        else
            snprintf(line, sizeof(line), "X-Amz-Bearer;");
        h = curl_slist_append(h, line);
    }
    if (q->content_type) {
        snprintf(line, sizeof(line), "Content-Type: %s", q->content_type);
        h = curl_slist_append(h, line);
    } else {
        h = curl_slist_append(h, "Content-Type:");
    }
    if (q->extra)
        h = curl_slist_append(h, q->extra);
    curl_easy_setopt(c, CURLOPT_URL, q->url ? q->url : s->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 15000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->head);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    if (q->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(q->body_len ? q->body_len : strlen(q->body)));
    } else {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    }
    if (q->method)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
    double t0 = cf_time_mono_ms();
    CURLcode cc = curl_easy_perform(c);
    r->elapsed_ms = cf_time_mono_ms() - t0;
    if (cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (r->body.len &&
        cf_json_parse(r->body.ptr, r->body.len, CF_MAX_JSON_DEPTH, &r->json, NULL) != CF_OK)
        r->json = NULL; /* asserts on the body say what was wrong */
}

/* First value of a response header (case-insensitive name) into out; 0 when absent. */
static int reply_header(const reply *r, const char *name, char *out, size_t n)
{
    const char *p = cf_buf_str(&r->head);
    size_t nl = strlen(name);
    while (p && *p) {
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t len = strcspn(v, "\r\n");
            snprintf(out, n, "%.*s", (int)len, v);
            return 1;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return 0;
}

/* A request body from its four members; NULL leaves one out, values are JSON text. */
static char *body_of(const char *content_type, const char *size, const char *name,
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

static char *token_lit(const char *label)
{
    char *s = malloc(128);
    cr_assert_not_null(s);
    static unsigned counter;
    snprintf(s, 128, "\"%s-%ld-%u-%u\"", label, (long)getpid(), (unsigned)time(NULL), ++counter);
    return s;
}

/* POSTs a valid body with the given token as the first caller. */
static void post_valid(const server *s, const char *bearer, const char *token_json, reply *r)
{
    char *b = body_of("\"text/plain\"", "1024", "\"a.txt\"", token_json);
    request_opts q = {.bearer = bearer, .content_type = "application/json", .body = b};
    send_req(s, &q, r);
    free(b);
}

/* The error code of an error answer, per the spec's locator; "" when none. */
static const char *reply_code(const server *s, const reply *r, char *out, size_t n)
{
    out[0] = '\0';
    if (s->spec->resp.code.header) {
        reply_header(r, s->spec->resp.code.header, out, n);
    } else if (s->spec->resp.code.pointer) {
        const cJSON *v = cf_json_pointer(r->json, s->spec->resp.code.pointer);
        if (cJSON_IsString(v))
            snprintf(out, n, "%s", v->valuestring);
    }
    return out;
}

static const char *reply_message(const server *s, const reply *r)
{
    const cJSON *v = cf_json_pointer(
        r->json, s->spec->resp.message.pointer ? s->spec->resp.message.pointer : "/Message");
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* The first "identical" member (the resource id); NULL when absent. */
static const char *reply_id(const server *s, const reply *r)
{
    const cJSON *v = cf_json_pointer(r->json, s->spec->idem.identical[0]);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void assert_error_role(const server *s, const reply *r, cf_role role, const char *what)
{
    const char *want = cf_spec_role_code(s->spec, role);
    char code[128];
    cr_assert_not_null(want);
    cr_assert_eq(r->status, cf_spec_code_status(s->spec, want), "%s (%s): status %ld, body %s",
                 what, s->spec->file, r->status, cf_buf_str(&r->body));
    cr_assert_str_eq(reply_code(s, r, code, sizeof(code)), want, "%s (%s): body %s", what,
                     s->spec->file, cf_buf_str(&r->body));
    cf_diags d;
    cf_diags_init(&d);
    size_t bad = cf_schema_validate(s->spec->resp.error_schema, r->json, "", &d);
    cr_assert_eq(bad, 0, "%s: error body %s breaks the error schema: %s", what,
                 cf_buf_str(&r->body), d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
    cr_assert_gt(strlen(reply_message(s, r)), 0, "%s: empty message", what);
    char hv[256];
    cr_assert(reply_header(r, "Content-Type", hv, sizeof(hv)));
    cr_assert(strncmp(hv, "application/json", 16) == 0, "content-type %s", hv);
    /* Security: never the credential, in the body or any header. */
    cr_assert_null(strstr(cf_buf_str(&r->body), s->bearer), "%s: body echoes the bearer", what);
    cr_assert_null(strstr(cf_buf_str(&r->head), s->bearer), "%s: headers echo the bearer", what);
}

static void assert_success(const server *s, const reply *r, const char *what)
{
    cr_assert_eq(r->status, s->spec->resp.success_status, "%s (%s): status %ld, body %s", what,
                 s->spec->file, r->status, cf_buf_str(&r->body));
    cf_diags d;
    cf_diags_init(&d);
    size_t bad = cf_schema_validate(s->spec->resp.success_schema, r->json, "", &d);
    cr_assert_eq(bad, 0, "%s: success body %s breaks the schema: %s %s", what, cf_buf_str(&r->body),
                 d.count ? d.items[0].path : "", d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
    cr_assert_not_null(reply_id(s, r));
}

/* ---- success shape --------------------------------------------------------------------------- */

Test(mock, success_answer_matches_each_spec, .init = init, .fini = fini, .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        char *tok = token_lit("ok");
        reply r;
        post_valid(&s, s.bearer, tok, &r);
        assert_success(&s, &r, "valid request");
        char hv[256];
        cr_assert(reply_header(&r, "x-amzn-RequestId", hv, sizeof(hv)));
        cr_assert_eq(strlen(hv), 36, "request id %s", hv);
        cr_assert(reply_header(&r, "Content-Type", hv, sizeof(hv)));
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
        reply_free(&r);
        free(tok);
        server_stop(&s);
    }
}

Test(mock, sigv4_headers_and_charset_are_accepted, .init = init, .fini = fini, .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        char *tok = token_lit("sig");
        char *b = body_of("\"image/png\"", "5", "\"p.png\"", tok);
        request_opts q = {.bearer = s.bearer,
                          .content_type = "application/json; charset=utf-8",
                          .body = b,
                          .extra = "Authorization: AWS4-HMAC-SHA256 Credential=x/20250101/"
                                   "us-east-1/execute-api/aws4_request, Signature=abc"};
        reply r;
        send_req(&s, &q, &r);
        assert_success(&s, &r, "sigv4 + charset");
        reply_free(&r);
        free(b);
        free(tok);
        server_stop(&s);
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

Test(mock, each_validation_rule_with_boundaries, .init = init, .fini = fini, .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        for (size_t k = 0; k < sizeof(body_cases) / sizeof(body_cases[0]); k++) {
            const body_case *c = &body_cases[k];
            char *tok = c->token ? token_lit("v") : NULL;
            char *b = body_of(c->content_type, c->size, c->name, tok);
            reply r;
            request_opts q = {.bearer = s.bearer, .content_type = "application/json", .body = b};
            send_req(&s, &q, &r);
            if (c->ok)
                assert_success(&s, &r, c->what);
            else
                assert_error_role(&s, &r, CF_ROLE_VALIDATION, c->what);
            reply_free(&r);
            free(b);
            free(tok);
        }
        server_stop(&s);
    }
}

Test(mock, string_length_boundaries_count_code_points, .init = init, .fini = fini, .timeout = 20)
{
    struct {
        char c;
        size_t n;
        int member; /* 0 name, 1 token */
        int ok;
    } cases[] = {
        {'a', 256, 0, 1}, {'a', 257, 0, 0}, {'t', 500, 1, 1}, {'t', 501, 1, 0}, {'t', 1, 1, 1}};
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
            char *lit = repeat_lit(cases[k].c, cases[k].n);
            char *tok = token_lit("len");
            char *b = cases[k].member == 0 ? body_of("\"text/plain\"", "3", lit, tok)
                                           : body_of("\"text/plain\"", "3", "\"n\"", lit);
            request_opts q = {.bearer = s.bearer, .content_type = "application/json", .body = b};
            reply r;
            send_req(&s, &q, &r);
            char what[64];
            snprintf(what, sizeof(what), "%s of %zu", cases[k].member ? "token" : "name",
                     cases[k].n);
            if (cases[k].ok)
                assert_success(&s, &r, what);
            else
                assert_error_role(&s, &r, CF_ROLE_VALIDATION, what);
            reply_free(&r);
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
        char *tok = token_lit("utf8");
        char *b = body_of("\"text/plain\"", "3", cf_buf_str(&name), tok);
        request_opts q = {.bearer = s.bearer, .content_type = "application/json", .body = b};
        reply r;
        send_req(&s, &q, &r);
        assert_success(&s, &r, "256 two-byte characters");
        reply_free(&r);
        free(b);
        free(tok);
        cf_buf_free(&name);
        server_stop(&s);
    }
}

Test(mock, content_type_json_and_object_are_required, .init = init, .fini = fini, .timeout = 20)
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
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        char *tok = token_lit("ct");
        char *valid = body_of("\"text/plain\"", "3", "\"n\"", tok);
        for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
            request_opts q = {.bearer = s.bearer,
                              .content_type = cases[k].content_type,
                              .body = cases[k].body ? cases[k].body : valid};
            if (cases[k].body && !cases[k].body[0])
                q.body = NULL;
            reply r;
            send_req(&s, &q, &r);
            assert_error_role(&s, &r, CF_ROLE_VALIDATION, cases[k].what);
            reply_free(&r);
        }
        free(valid);
        free(tok);
        server_stop(&s);
    }
}

Test(mock, body_over_the_bound_is_a_validation_error_and_server_goes_on, .init = init, .fini = fini,
     .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        size_t n = CF_MAX_REQUEST_BODY + 1;
        char *big = malloc(n);
        cr_assert_not_null(big);
        /* valid JSON were it not too long */
        memset(big, ' ', n);
        big[0] = '{';
        big[n - 1] = '}';
        request_opts q = {
            .bearer = s.bearer, .content_type = "application/json", .body = big, .body_len = n};
        reply r;
        send_req(&s, &q, &r);
        assert_error_role(&s, &r, CF_ROLE_VALIDATION, "body over the bound");
        cr_assert_not_null(strstr(reply_message(&s, &r), "too large"), "message: %s",
                           reply_message(&s, &r));
        reply_free(&r);
        free(big);
        /* announced with Expect: 100-continue, it is refused before the body is sent */
        n = 20u * 1024u * 1024u;
        big = malloc(n);
        cr_assert_not_null(big);
        memset(big, ' ', n);
        q = (request_opts){.bearer = s.bearer,
                           .content_type = "application/json",
                           .body = big,
                           .body_len = n,
                           .expect_continue = 1};
        send_req(&s, &q, &r);
        assert_error_role(&s, &r, CF_ROLE_VALIDATION, "20 MiB with Expect: 100-continue");
        reply_free(&r);
        free(big);
        char *tok = token_lit("after-big");
        post_valid(&s, s.bearer, tok, &r);
        assert_success(&s, &r, "request after an oversized one");
        reply_free(&r);
        free(tok);
        server_stop(&s);
    }
}

Test(mock, deep_nesting_is_a_validation_error, .init = init, .fini = fini, .timeout = 20)
{
    server s;
    server_start(&s, spec_files[0], NULL);
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 32);
    cr_assert_not_null(deep);
    size_t p = (size_t)sprintf(deep, "{\"a\":");
    memset(deep + p, '[', depth);
    p += depth;
    memset(deep + p, ']', depth);
    p += depth;
    deep[p++] = '}';
    request_opts q = {
        .bearer = s.bearer, .content_type = "application/json", .body = deep, .body_len = p};
    reply r;
    send_req(&s, &q, &r);
    assert_error_role(&s, &r, CF_ROLE_VALIDATION, "deep nesting");
    cr_assert_not_null(strstr(reply_message(&s, &r), "deeper"));
    reply_free(&r);
    free(deep);
    server_stop(&s);
}

/* ---- authentication -------------------------------------------------------------------------- */

Test(mock, auth_missing_empty_or_unknown_is_denied, .init = init, .fini = fini, .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        char *suffixed = malloc(strlen(s.bearer) + 2);
        cr_assert_not_null(suffixed);
        sprintf(suffixed, "%sx", s.bearer);
        char *prefix = malloc(strlen(s.bearer) + 1);
        cr_assert_not_null(prefix);
        snprintf(prefix, strlen(s.bearer), "%s", s.bearer); /* one character short */
        const char *bearers[] = {NULL, "", "some-unknown-token", suffixed, prefix, "x"};
        for (size_t k = 0; k < sizeof(bearers) / sizeof(bearers[0]); k++) {
            char *tok = token_lit("auth");
            reply r;
            post_valid(&s, bearers[k], tok, &r);
            char what[64];
            snprintf(what, sizeof(what), "bearer case %zu", k);
            assert_error_role(&s, &r, CF_ROLE_AUTH, what);
            if (bearers[k] && strlen(bearers[k]) > 3)
                cr_assert_null(strstr(cf_buf_str(&r.body), bearers[k]), "echoed %s", bearers[k]);
            reply_free(&r);
            free(tok);
        }
        /* the second caller's credential works too */
        char *tok = token_lit("alt");
        reply r;
        post_valid(&s, s.bearer_alt, tok, &r);
        assert_success(&s, &r, "second caller");
        reply_free(&r);
        free(tok);
        free(suffixed);
        free(prefix);
        server_stop(&s);
    }
}

Test(mock, auth_is_checked_before_validation, .init = init, .fini = fini, .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        request_opts q = {.bearer = "unknown-token", .content_type = "text/plain", .body = "[1"};
        reply r;
        send_req(&s, &q, &r);
        assert_error_role(&s, &r, CF_ROLE_AUTH, "unknown token and a bad body");
        reply_free(&r);
        q.bearer = NULL;
        send_req(&s, &q, &r);
        assert_error_role(&s, &r, CF_ROLE_AUTH, "no token and a bad body");
        reply_free(&r);
        server_stop(&s);
    }
}

Test(mock, messages_never_repeat_a_secret, .init = init, .fini = fini, .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        /* the credential placed where the validator might quote it */
        char lit[512];
        snprintf(lit, sizeof(lit), "\"%s\"", s.bearer);
        char *tok = token_lit("echo");
        char *b = body_of(lit, "3", lit, tok);
        request_opts q = {.bearer = s.bearer, .content_type = "application/json", .body = b};
        reply r;
        send_req(&s, &q, &r);
        assert_error_role(&s, &r, CF_ROLE_VALIDATION, "credential as ContentType");
        reply_free(&r);
        free(b);
        snprintf(lit, sizeof(lit), "text/%s", s.bearer_alt);
        request_opts q2 = {.bearer = s.bearer, .content_type = lit, .body = "{}"};
        send_req(&s, &q2, &r);
        assert_error_role(&s, &r, CF_ROLE_VALIDATION, "unsupported content-type");
        cr_assert_null(strstr(cf_buf_str(&r.body), s.bearer_alt));
        reply_free(&r);
        free(tok);
        server_stop(&s);
    }
}

/* ---- answer templates ------------------------------------------------------------------------ */

/* The bundled envelope spec with extra members in the success template. */
static cf_spec *spec_with_success_members(const char *const *kv, size_t n)
{
    FILE *f = fopen(spec_files[0], "rb");
    cr_assert_not_null(f);
    static char text[1u << 20];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = '\0';
    cJSON *root = cJSON_Parse(text);
    cr_assert_not_null(root);
    for (size_t i = 0; i + 1 < n; i += 2)
        cr_assert_eq(cf_json_pointer_set(root, kv[i], cJSON_CreateString(kv[i + 1])), CF_OK);
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    cf_spec *spec = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cf_rc rc = cf_spec_load_mem("size.json", out, strlen(out), &spec, &d);
    cr_assert_eq(rc, CF_OK, "%s", d.count ? d.items[0].message : cf_strerror(rc));
    cf_diags_cleanup(&d);
    cJSON_free(out);
    return spec;
}

Test(mock, size_placeholder_becomes_the_requested_number, .init = init, .fini = fini, .timeout = 20)
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
    server s;
    memset(&s, 0, sizeof(s));
    cr_assert_eq(cf_mock_start(&o, &s.mock, err, sizeof(err)), CF_OK, "%s", err);
    snprintf(s.url, sizeof(s.url), "%s%s", cf_mock_url(s.mock), spec->op.path);
    char *tok = token_lit("size");
    char *b = body_of("\"text/plain\"", "20971520", "\"a\"", tok);
    request_opts q = {
        .bearer = cf_secrets_get(&vars, "bearer"), .content_type = "application/json", .body = b};
    reply r;
    send_req(&s, &q, &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    const cJSON *size = cf_json_pointer(r.json, "/data/size");
    cr_assert(cJSON_IsNumber(size), "body %s", cf_buf_str(&r.body));
    cr_assert_float_eq(size->valuedouble, 20971520.0, 0.5);
    const cJSON *named = cf_json_pointer(r.json, "/data/named");
    cr_assert(cJSON_IsNumber(named));
    cr_assert_str_eq(cf_json_pointer(r.json, "/data/text")->valuestring, "bytes=20971520");
    reply_free(&r);
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
    FILE *f = fopen(spec_files[0], "rb");
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
    cr_assert_eq(cf_spec_load_file(spec_files[1], &spec, &d), CF_OK);
    cf_diags_cleanup(&d);
    cf_secrets vars = {0};
    char err[512] = "";
    cr_assert_eq(cf_vars_resolve(spec, NULL, &vars, err, sizeof(err)), CF_OK, "%s", err);
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.spec = spec;
    o.secrets = &vars;
    o.no_listen = 1;
    cf_mock *m = NULL;
    cr_assert_eq(cf_mock_start(&o, &m, err, sizeof(err)), CF_OK, "%s", err);
    cr_assert_eq(cf_mock_port(m), 0);
    cr_assert_str_eq(cf_mock_url(m), "");

    cf_headers h = {0};
    cr_assert_eq(cf_headers_add(&h, "x-amz-bearer", cf_secrets_get(&vars, "bearer")), CF_OK);
    cr_assert_eq(cf_headers_add(&h, "content-type", "application/json"), CF_OK);
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

Test(mock, unknown_path_is_404_and_wrong_method_405_in_json, .init = init, .fini = fini,
     .timeout = 20)
{
    server s;
    server_start(&s, spec_files[1], NULL);
    char url[300];
    snprintf(url, sizeof(url), "%s/participant/nope", cf_mock_url(s.mock));
    request_opts q = {
        .url = url, .bearer = s.bearer, .content_type = "application/json", .body = "{}"};
    reply r;
    send_req(&s, &q, &r);
    cr_assert_eq(r.status, 404);
    cr_assert_not_null(r.json, "404 body %s", cf_buf_str(&r.body));
    reply_free(&r);
    request_opts g = {.method = "GET", .bearer = s.bearer};
    send_req(&s, &g, &r);
    cr_assert_eq(r.status, 405);
    cr_assert_not_null(r.json);
    char allow[64];
    cr_assert(reply_header(&r, "Allow", allow, sizeof(allow)));
    cr_assert_str_eq(allow, "POST");
    reply_free(&r);
    server_stop(&s);
}

/* ---- idempotency ----------------------------------------------------------------------------- */

static char *dup_s(const char *s)
{
    char *p = strdup(s ? s : "");
    cr_assert_not_null(p);
    return p;
}

Test(mock, replay_returns_the_same_resource_with_a_fresh_signature, .init = init, .fini = fini,
     .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        char *tok = token_lit("replay");
        reply a, b;
        post_valid(&s, s.bearer, tok, &a);
        assert_success(&s, &a, "first");
        post_valid(&s, s.bearer, tok, &b);
        assert_success(&s, &b, "replay");
        for (size_t k = 0; k < s.spec->idem.identical_count; k++) {
            char *x = cf_json_print(cf_json_pointer(a.json, s.spec->idem.identical[k]));
            char *y = cf_json_print(cf_json_pointer(b.json, s.spec->idem.identical[k]));
            cr_assert_str_eq(x, y, "%s differs on replay", s.spec->idem.identical[k]);
            free(x);
            free(y);
        }
        const char *url_ptr = i == 0 ? "/data/upload_url" : "/UploadMetadata/Url";
        const cJSON *u1 = cf_json_pointer(a.json, url_ptr);
        const cJSON *u2 = cf_json_pointer(b.json, url_ptr);
        cr_assert(cJSON_IsString(u1) && cJSON_IsString(u2));
        cr_assert_str_neq(u1->valuestring, u2->valuestring, "signature not fresh");
        reply_free(&a);
        reply_free(&b);
        free(tok);
        server_stop(&s);
    }
}

Test(mock, reused_token_with_other_parameters_is_a_mismatch, .init = init, .fini = fini,
     .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        const char *variants[][3] = {{"\"text/csv\"", "1024", "\"a.txt\""},
                                     {"\"text/plain\"", "1025", "\"a.txt\""},
                                     {"\"text/plain\"", "1024", "\"b.txt\""}};
        for (size_t k = 0; k < 3; k++) {
            char *tok = token_lit("mismatch");
            reply a, b;
            post_valid(&s, s.bearer, tok, &a);
            assert_success(&s, &a, "first");
            char *first_id = dup_s(reply_id(&s, &a));
            char *body = body_of(variants[k][0], variants[k][1], variants[k][2], tok);
            request_opts q = {.bearer = s.bearer, .content_type = "application/json", .body = body};
            send_req(&s, &q, &b);
            const char *want = s.spec->idem.mismatch_code;
            char code[128];
            cr_assert_eq(b.status, cf_spec_code_status(s.spec, want), "variant %zu: %s", k,
                         cf_buf_str(&b.body));
            cr_assert_str_eq(reply_code(&s, &b, code, sizeof(code)), want);
            reply_free(&b);
            /* the original is kept */
            post_valid(&s, s.bearer, tok, &b);
            assert_success(&s, &b, "original after mismatch");
            cr_assert_str_eq(reply_id(&s, &b), first_id);
            reply_free(&a);
            reply_free(&b);
            free(body);
            free(first_id);
            free(tok);
        }
        server_stop(&s);
    }
}

Test(mock, other_caller_and_other_tokens_get_independent_resources, .init = init, .fini = fini,
     .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        char *tok = token_lit("scope");
        char *tok2 = token_lit("scope2");
        reply a, b, c;
        post_valid(&s, s.bearer, tok, &a);
        post_valid(&s, s.bearer_alt, tok, &b);
        post_valid(&s, s.bearer, tok2, &c);
        assert_success(&s, &a, "caller a");
        assert_success(&s, &b, "caller b, same token");
        assert_success(&s, &c, "caller a, other token");
        cr_assert_str_neq(reply_id(&s, &a), reply_id(&s, &b));
        cr_assert_str_neq(reply_id(&s, &a), reply_id(&s, &c));
        cr_assert_null(strstr(cf_buf_str(&b.body), reply_id(&s, &a)), "leaks caller a's id");
        /* and a rejected request does not use up a token */
        char *tok3 = token_lit("rejected");
        char *bad = body_of("\"text/plain\"", "0", "\"a.txt\"", tok3);
        request_opts q = {.bearer = s.bearer, .content_type = "application/json", .body = bad};
        reply d;
        send_req(&s, &q, &d);
        assert_error_role(&s, &d, CF_ROLE_VALIDATION, "size 0");
        reply_free(&d);
        post_valid(&s, s.bearer, tok3, &d);
        assert_success(&s, &d, "token after a rejected request");
        reply_free(&d);
        free(bad);
        free(tok3);
        reply_free(&a);
        reply_free(&b);
        reply_free(&c);
        free(tok);
        free(tok2);
        server_stop(&s);
    }
}

typedef struct {
    const server *s;
    const char *token;
    const char *bearer;
    pthread_barrier_t *start;
    reply r;
} worker;

static void *worker_run(void *arg)
{
    worker *w = arg;
    if (w->start)
        pthread_barrier_wait(w->start);
    char *b = body_of("\"text/plain\"", "1024", "\"a.txt\"", w->token);
    request_opts q = {.bearer = w->bearer, .content_type = "application/json", .body = b};
    send_req(w->s, &q, &w->r);
    free(b);
    return NULL;
}

Test(mock, concurrent_duplicates_share_one_id, .init = init, .fini = fini, .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        server s;
        server_start(&s, spec_files[i], NULL);
        enum { N = 16 };
        worker w[N];
        pthread_t t[N];
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, N);
        char *tok = token_lit("dup");
        for (int k = 0; k < N; k++) {
            w[k] = (worker){&s, tok, s.bearer, &start, {0}};
            cr_assert_eq(pthread_create(&t[k], NULL, worker_run, &w[k]), 0);
        }
        for (int k = 0; k < N; k++)
            pthread_join(t[k], NULL);
        pthread_barrier_destroy(&start);
        const char *id = NULL;
        for (int k = 0; k < N; k++) {
            if (w[k].r.status != s.spec->resp.success_status && s.spec->idem.in_flight_code) {
                char code[128];
                cr_assert_str_eq(reply_code(&s, &w[k].r, code, sizeof(code)),
                                 s.spec->idem.in_flight_code);
                continue;
            }
            assert_success(&s, &w[k].r, "concurrent duplicate");
            if (!id)
                id = reply_id(&s, &w[k].r);
            cr_assert_str_eq(reply_id(&s, &w[k].r), id);
        }
        cr_assert_not_null(id);
        for (int k = 0; k < N; k++)
            reply_free(&w[k].r);
        cf_mock_stats st;
        cf_mock_stats_get(s.mock, &st);
        cr_assert_eq(st.created, 1);
        free(tok);
        server_stop(&s);
    }
}

Test(mock, two_hundred_concurrent_connections_all_answered, .init = init, .fini = fini,
     .timeout = 20)
{
    server s;
    server_start(&s, spec_files[1], NULL);
    enum { N = 200 };
    worker *w = calloc(N, sizeof(*w));
    pthread_t *t = calloc(N, sizeof(*t));
    char **toks = calloc(N, sizeof(*toks));
    cr_assert(w && t && toks);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, N);
    for (int k = 0; k < N; k++) {
        toks[k] = token_lit("many");
        w[k] = (worker){&s, toks[k], k % 2 ? s.bearer : s.bearer_alt, &start, {0}};
        cr_assert_eq(pthread_create(&t[k], NULL, worker_run, &w[k]), 0);
    }
    for (int k = 0; k < N; k++)
        pthread_join(t[k], NULL);
    pthread_barrier_destroy(&start);
    for (int k = 0; k < N; k++) {
        assert_success(&s, &w[k].r, "one of 200");
        for (int j = 0; j < k; j++)
            cr_assert_str_neq(reply_id(&s, &w[k].r), reply_id(&s, &w[j].r));
    }
    for (int k = 0; k < N; k++) {
        reply_free(&w[k].r);
        free(toks[k]);
    }
    free(w);
    free(t);
    free(toks);
    server_stop(&s);
}

Test(mock, full_store_forgets_the_oldest_token, .init = init, .fini = fini, .timeout = 20)
{
    server s;
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.idem_capacity = 2;
    server_start_opts(&s, spec_files[0], &o);
    char *t1 = token_lit("e1"), *t2 = token_lit("e2"), *t3 = token_lit("e3");
    reply a, b;
    post_valid(&s, s.bearer, t1, &a);
    post_valid(&s, s.bearer, t2, &b);
    reply_free(&b);
    post_valid(&s, s.bearer, t3, &b);
    reply_free(&b);
    post_valid(&s, s.bearer, t1, &b); /* t1 was evicted: a new resource */
    assert_success(&s, &b, "after eviction");
    cr_assert_str_neq(reply_id(&s, &a), reply_id(&s, &b));
    reply_free(&a);
    reply_free(&b);
    free(t1);
    free(t2);
    free(t3);
    server_stop(&s);
}

Test(mock, store_evicts_by_age_and_capacity, .timeout = 5)
{
    cf_mock_store *st = NULL;
    cr_assert_eq(cf_mock_store_new(3, 1000.0, &st), CF_OK);
    cr_assert_eq(cf_mock_store_add(st, 0, "a", "p", "id-a", 1, 0.0), CF_OK);
    cr_assert_eq(cf_mock_store_add(st, 1, "a", "p", "id-a1", 1, 10.0), CF_OK);
    cr_assert_eq(cf_mock_store_add(st, 0, "b", "p", "id-b", 1, 500.0), CF_OK);
    cr_assert_str_eq(cf_mock_store_find(st, 0, "a")->id, "id-a");
    cr_assert_str_eq(cf_mock_store_find(st, 1, "a")->id, "id-a1");
    cr_assert_null(cf_mock_store_find(st, 2, "a"));
    cr_assert_eq(cf_mock_store_add(st, 0, "c", "p", "id-c", 1, 600.0), CF_OK);
    cr_assert_eq(cf_mock_store_count(st), 3);
    cr_assert_null(cf_mock_store_find(st, 0, "a"), "oldest not evicted");
    cf_mock_store_expire(st, 1200.0); /* 1/a (10) and b (500) are still young? 1200-10 >= 1000 */
    cr_assert_null(cf_mock_store_find(st, 1, "a"));
    cr_assert_not_null(cf_mock_store_find(st, 0, "b"));
    cf_mock_store_expire(st, 5000.0);
    cr_assert_eq(cf_mock_store_count(st), 0);
    cf_mock_store_free(st);
    cf_mock_store_free(NULL);
}

/* ---- faults ---------------------------------------------------------------------------------- */

Test(mock, fault_latency_delays_each_answer, .init = init, .fini = fini, .timeout = 20)
{
    const char *faults[] = {"latency=300", NULL};
    server s;
    server_start(&s, spec_files[0], faults);
    char *tok = token_lit("slow");
    reply r;
    post_valid(&s, s.bearer, tok, &r);
    assert_success(&s, &r, "slow");
    cr_assert_geq(r.elapsed_ms, 300.0, "took %.1f ms", r.elapsed_ms);
    reply_free(&r);
    post_valid(&s, NULL, tok, &r);
    cr_assert_geq(r.elapsed_ms, 300.0, "error took %.1f ms", r.elapsed_ms);
    reply_free(&r);
    free(tok);
    server_stop(&s);
}

Test(mock, fault_error_rate_one_always_fails_valid_requests, .init = init, .fini = fini,
     .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        const char *faults[] = {"error-rate=1", NULL};
        server s;
        server_start(&s, spec_files[i], faults);
        for (int k = 0; k < 3; k++) {
            char *tok = token_lit("err");
            reply r;
            post_valid(&s, s.bearer, tok, &r);
            assert_error_role(&s, &r, CF_ROLE_INTERNAL, "error-rate=1");
            reply_free(&r);
            free(tok);
        }
        /* a bad request still gets its 4xx, never the injected 5xx */
        request_opts q = {.bearer = s.bearer, .content_type = "application/json", .body = "[]"};
        reply r;
        send_req(&s, &q, &r);
        assert_error_role(&s, &r, CF_ROLE_VALIDATION, "bad request under error-rate");
        reply_free(&r);
        server_stop(&s);
    }
}

Test(mock, fault_error_rate_with_code_and_zero_rate, .init = init, .fini = fini, .timeout = 20)
{
    const char *faults[] = {"error-rate=1:THROTTLED", NULL};
    server s;
    server_start(&s, spec_files[0], faults);
    char *tok = token_lit("code");
    reply r;
    post_valid(&s, s.bearer, tok, &r);
    assert_error_role(&s, &r, CF_ROLE_THROTTLE, "error-rate=1:THROTTLED");
    reply_free(&r);
    server_stop(&s);
    const char *none[] = {"error-rate=0", NULL};
    server_start(&s, spec_files[0], none);
    post_valid(&s, s.bearer, tok, &r);
    assert_success(&s, &r, "error-rate=0");
    reply_free(&r);
    free(tok);
    server_stop(&s);
}

Test(mock, fault_throttle_limits_each_caller, .init = init, .fini = fini, .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        const char *faults[] = {"throttle=1/s", NULL};
        server s;
        server_start(&s, spec_files[i], faults);
        char *t1 = token_lit("th1"), *t2 = token_lit("th2");
        reply r;
        post_valid(&s, s.bearer, t1, &r);
        assert_success(&s, &r, "first");
        reply_free(&r);
        post_valid(&s, s.bearer, t2, &r);
        assert_error_role(&s, &r, CF_ROLE_THROTTLE, "second within the second");
        reply_free(&r);
        post_valid(&s, s.bearer_alt, t2, &r);
        assert_success(&s, &r, "the other caller has its own bucket");
        reply_free(&r);
        free(t1);
        free(t2);
        server_stop(&s);
    }
}

Test(mock, fault_quota_stops_new_resources_not_replays, .init = init, .fini = fini, .timeout = 20)
{
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        const char *faults[] = {"quota=2", NULL};
        server s;
        server_start(&s, spec_files[i], faults);
        char *t[3] = {token_lit("q1"), token_lit("q2"), token_lit("q3")};
        reply r;
        for (int k = 0; k < 2; k++) {
            post_valid(&s, s.bearer, t[k], &r);
            assert_success(&s, &r, "within quota");
            reply_free(&r);
        }
        post_valid(&s, s.bearer, t[2], &r);
        assert_error_role(&s, &r, CF_ROLE_QUOTA, "third creation");
        reply_free(&r);
        post_valid(&s, s.bearer, t[0], &r);
        assert_success(&s, &r, "a replay is no creation");
        reply_free(&r);
        post_valid(&s, s.bearer_alt, t[2], &r);
        assert_success(&s, &r, "the other caller's quota");
        reply_free(&r);
        for (int k = 0; k < 3; k++)
            free(t[k]);
        server_stop(&s);
    }
}

Test(mock, fault_parse_accepts_the_documented_forms, .timeout = 5)
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

Test(mock, fault_parse_rejects_bad_text_clearly, .timeout = 5)
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

Test(mock, start_refuses_faults_the_spec_cannot_answer, .timeout = 10)
{
    cf_spec *spec = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cr_assert_eq(cf_spec_load_file(spec_files[1], &spec, &d), CF_OK);
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

/* ---- robustness on the wire ------------------------------------------------------------------ */

/* Sends raw bytes on a fresh connection and reads what comes back (up to 2 s). */
static size_t raw_exchange(unsigned port, const char *bytes, size_t len, char *out, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
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

static void assert_still_serving(const server *s, const char *after)
{
    char *tok = token_lit("alive");
    reply r;
    post_valid(s, s->bearer, tok, &r);
    assert_success(s, &r, after);
    reply_free(&r);
    free(tok);
}

Test(mock, malformed_http_never_stops_the_server, .init = init, .fini = fini, .timeout = 20)
{
    server s;
    server_start(&s, spec_files[0], NULL);
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
    server_stop(&s);
}

Test(mock, huge_header_is_refused_and_server_survives, .init = init, .fini = fini, .timeout = 20)
{
    server s;
    server_start(&s, spec_files[1], NULL);
    size_t n = 200 * 1024;
    char *extra = malloc(n + 16);
    cr_assert_not_null(extra);
    memcpy(extra, "X-Big: ", 7);
    memset(extra + 7, 'h', n);
    extra[7 + n] = '\0';
    char *tok = token_lit("big");
    char *b = body_of("\"text/plain\"", "1", "\"a\"", tok);
    request_opts q = {
        .bearer = s.bearer, .content_type = "application/json", .body = b, .extra = extra};
    reply r;
    send_req(&s, &q, &r);
    cr_assert(r.status == 0 || (r.status >= 400 && r.status < 500), "status %ld", r.status);
    reply_free(&r);
    assert_still_serving(&s, "after a huge header");
    free(b);
    free(tok);
    free(extra);
    server_stop(&s);
}

Test(mock, idle_slow_connection_does_not_block_others, .init = init, .fini = fini, .timeout = 20)
{
    server s;
    server_start(&s, spec_files[0], NULL);
    /* half a request head, never finished: a slowloris */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)cf_mock_port(s.mock));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    const char *part = "POST /participant/start-attachment-upload HTTP/1.1\r\nHost: x\r\n";
    cr_assert_gt(send(fd, part, strlen(part), MSG_NOSIGNAL), 0);
    assert_still_serving(&s, "while a slow client holds a connection");
    close(fd);
    server_stop(&s);
}

Test(mock, idle_connection_is_closed_after_the_timeout, .init = init, .fini = fini, .timeout = 20)
{
    server s;
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.timeout_s = 1;
    server_start_opts(&s, spec_files[0], &o);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)cf_mock_port(s.mock));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
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
    server_stop(&s);
}

Test(mock, stop_cuts_a_long_latency_short, .init = init, .fini = fini, .timeout = 20)
{
    const char *faults[] = {"latency=60000", NULL};
    server s;
    server_start(&s, spec_files[0], faults);
    /* a request that will wait a minute, abandoned after 300 ms */
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, s.url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{}");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 300L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    cr_assert_neq(curl_easy_perform(c), CURLE_OK);
    curl_easy_cleanup(c);
    double t0 = cf_time_mono_ms();
    server_stop(&s);
    cr_assert_lt(cf_time_mono_ms() - t0, 10000.0);
}

/* ---- conform serve --------------------------------------------------------------------------- */

typedef struct {
    int status; /* exit status, -1 when killed by a signal */
    char out[8192];
    char err[8192];
} run_result;

static void read_all(int fd, char *buf, size_t cap)
{
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fd, buf + got, cap - 1 - got);
        if (n <= 0 || got + (size_t)n + 1 >= cap) {
            if (n > 0)
                got += (size_t)n;
            break;
        }
        got += (size_t)n;
    }
    buf[got] = '\0';
}

/* Runs the conform binary with `args` (NULL-terminated, argv[0] excluded) to completion. */
static void run_conform(const char *const *args, run_result *res)
{
    int out[2], err[2];
    cr_assert_eq(pipe(out), 0);
    cr_assert_eq(pipe(err), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        const char *argv[32] = {CONFORM_BIN};
        size_t n = 1;
        for (; args[n - 1] && n < 31; n++)
            argv[n] = args[n - 1];
        argv[n] = NULL;
        execv(CONFORM_BIN, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    read_all(out[0], res->out, sizeof(res->out));
    read_all(err[0], res->err, sizeof(res->err));
    close(out[0]);
    close(err[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    res->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(mock, serve_rejects_bad_flags_with_status_2, .timeout = 20)
{
    static const struct {
        const char *args[8];
        const char *says;
    } cases[] = {
        {{"serve", NULL}, "--spec FILE is required"},
        {{"serve", "--spec", SPEC_DIR "start-attachment-upload.json", "--fault", "jitter=3", NULL},
         "unknown fault 'jitter'"},
        {{"serve", "--spec", SPEC_DIR "start-attachment-upload.json", "--fault", "error-rate=2",
          NULL},
         "probability"},
        {{"serve", "--spec", SPEC_DIR "start-attachment-upload.json", "--fault=throttle=abc", NULL},
         "per second"},
        {{"serve", "--spec", SPEC_DIR "start-attachment-upload.json", "--port", "70000", NULL},
         "0..65535"},
        {{"serve", "--spec", SPEC_DIR "start-attachment-upload.json", "--port", NULL},
         "needs a value"},
        {{"serve", "--spec", SPEC_DIR "start-attachment-upload.json", "--frobnicate", NULL},
         "unknown option --frobnicate"},
        {{"serve", "--spec", SPEC_DIR "start-attachment-upload.json", "--var", "nope", NULL},
         "NAME=VALUE"},
        {{"serve", "--spec", SPEC_DIR "start-attachment-upload.json", "--fault",
          "error-rate=1:NOT_IN_CATALOGUE", "--port", "0", NULL},
         "NOT_IN_CATALOGUE"},
        {{"serve", "--spec", SPEC_DIR "no-such-spec.json", NULL}, "no-such-spec.json"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_result r;
        run_conform(cases[i].args, &r);
        cr_assert_eq(r.status, 2, "case %zu: exit %d, stderr %s", i, r.status, r.err);
        cr_assert_not_null(strstr(r.err, cases[i].says), "case %zu: stderr '%s'", i, r.err);
    }
    run_result r;
    const char *help[] = {"serve", "--help", NULL};
    run_conform(help, &r);
    cr_assert_eq(r.status, 0);
    cr_assert_not_null(strstr(r.out, "--fault"));
}

Test(mock, serve_listens_answers_and_stops_on_sigterm, .init = init, .fini = fini, .timeout = 20)
{
    int out[2];
    cr_assert_eq(pipe(out), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(out[1], 2);
        close(out[0]);
        execl(CONFORM_BIN, CONFORM_BIN, "serve", "--spec", SPEC_DIR "start-attachment-upload.json",
              "--port", "0", "--var", "bearer=serve-test-token-1", "--fault", "latency=1",
              (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    cr_assert_not_null(f);
    char line[512] = "";
    do /* fault lines come first */
        cr_assert_not_null(fgets(line, sizeof(line), f), "no 'listening on' from serve");
    while (strncmp(line, "listening on ", 13) != 0);
    unsigned port = 0;
    cr_assert_eq(sscanf(line, "listening on http://127.0.0.1:%u", &port), 1, "line: %s", line);
    cr_assert_gt(port, 0);

    server s;
    memset(&s, 0, sizeof(s));
    snprintf(s.url, sizeof(s.url), "http://127.0.0.1:%u/participant/start-attachment-upload", port);
    char *tok = token_lit("cli");
    reply r;
    post_valid(&s, "serve-test-token-1", tok, &r);
    cr_assert_eq(r.status, 200, "body %s", cf_buf_str(&r.body));
    reply_free(&r);
    post_valid(&s, "conform-demo-connection-token-a", tok, &r);
    cr_assert_eq(r.status, 403, "the --var replaced the default credential");
    reply_free(&r);
    free(tok);

    kill(pid, SIGTERM);
    cr_assert_not_null(fgets(line, sizeof(line), f));
    cr_assert_not_null(strstr(line, "stopped"), "line: %s", line);
    fclose(f);
    int st = 0;
    waitpid(pid, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}
