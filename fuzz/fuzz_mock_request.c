/* fuzz_mock_request.c - libFuzzer target: one raw HTTP request -> cf_mock_handle(), the mock's
 * socket-free entry point (the same routing, checks, idempotency and rendering a connection
 * gets; libmicrohttpd's own HTTP parsing is the dependency's, not exercised here).
 *
 * Input: byte 0 picks the bundled spec (bit 0); the rest is a request as it would come over
 * the wire: "METHOD TARGET VERSION", header lines, a blank line, the body (everything after it;
 * no chunked decoding). Lines that are not "name: value" with a token name are skipped, as
 * libmicrohttpd would refuse them before the mock saw them. The mocks are started once, without
 * a socket; their one state across inputs is the idempotency store (kept at 64 tokens), so an
 * input replayed alone may be answered "replay" where the campaign saw "created".
 *
 * Checked on every answer, from the mock's contract (mock.h): never a 5xx (no fault is
 * configured); one JSON body and well-formed headers; no credential or secret variable repeated;
 * a 2xx is the spec's success envelope; any other answer an error envelope whose code has that
 * HTTP status in the catalogue (404 and 405 for a wrong route excepted). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "fuzz_util.h"
#include "http/headers.h"
#include "mock/mock.h"

#define TARGET "fuzz_mock_request"

/* One mock per bundled spec, started once without a socket. */
typedef struct {
    const cf_spec *spec;
    const cf_api *api; /* the spec's contract, what the runner judges answers by */
    const cf_bindings *vars;
    cf_mock *mock;
} served;

static served *servers; /* one per bundled spec */

static void die(const char *what, const char *detail)
{
    cf_fuzz_fail(TARGET, what, detail);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cf_fuzz_load(TARGET, CF_FUZZ_VARS);
    servers = calloc(cf_fuzz_spec_count(), sizeof(*servers));
    if (!servers)
        die("out of memory", NULL);
    for (size_t i = 0; i < cf_fuzz_spec_count(); i++) {
        served *s = &servers[i];
        const cf_fuzz_spec *b = cf_fuzz_pick((unsigned)i);
        s->spec = b->suite->v1;
        s->api = b->api;
        s->vars = cf_secrets_vars(&b->secrets);
        char err[512] = "";
        cf_mock_opts o;
        cf_mock_opts_init(&o);
        o.spec = b->suite->v1;
        o.secrets = &b->secrets;
        o.no_listen = 1;
        o.seed = 1;
        o.seed_set = 1;
        o.idem_capacity = 64;
        if (cf_mock_start(&o, &s->mock, err, sizeof(err)) != CF_OK)
            die("cf_mock_start", err);
    }
    return 0;
}

/* A new NUL-terminated copy of bytes[0..len) (a NUL inside ends it early, as in C strings). */
static char *dup_range(const char *bytes, size_t len)
{
    char *s = malloc(len + 1);
    if (s) {
        memcpy(s, bytes, len);
        s[len] = '\0';
    }
    return s;
}

/* Next line of the head: [*pos, end of line) without CR LF; 0 at the end of the input. */
static int next_line(const char *b, size_t n, size_t *pos, const char **line, size_t *len)
{
    if (*pos >= n)
        return 0;
    const char *nl = memchr(b + *pos, '\n', n - *pos);
    size_t end = nl ? (size_t)(nl - b) : n;
    *line = b + *pos;
    *len = end - *pos;
    if (*len && (*line)[*len - 1] == '\r')
        (*len)--;
    *pos = nl ? end + 1 : n;
    return 1;
}

static int contains(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; m && i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return 1;
    return 0;
}

static void check_answer(const served *s, const cf_mock_answer *a)
{
    const cf_spec *spec = s->spec;
    if (a->status < 200 || a->status >= 500)
        die("an answer outside 2xx..4xx", a->body);
    if (!a->body || a->body_len != strlen(a->body))
        die("an answer without a proper body", a->body);
    for (size_t i = 0; i < a->headers.count; i++) {
        const cf_header *h = &a->headers.items[i];
        if (!cf_http_is_token(h->name, strlen(h->name)) || strpbrk(h->value, "\r\n"))
            die("a malformed answer header", h->name);
    }
    for (size_t i = 0; i < s->vars->count; i++) {
        const cf_binding *v = &s->vars->items[i];
        if (!v->secret)
            continue;
        if (contains(a->body, a->body_len, v->value))
            die("an answer body repeats a secret variable", v->name);
        for (size_t h = 0; h < a->headers.count; h++)
            if (strstr(a->headers.items[h].value, v->value))
                die("an answer header repeats a secret variable", v->name);
    }
    /* Judge the answer as the runner would: it must be the spec's own envelope. */
    cf_response r;
    cf_response_init(&r, CF_MAX_RESPONSE_BODY);
    r.status = a->status;
    for (size_t i = 0; i < a->headers.count; i++)
        if (cf_headers_add(&r.headers, a->headers.items[i].name, a->headers.items[i].value) !=
            CF_OK)
            die("out of memory", NULL);
    if (cf_response_body_bytes(&r, a->body, a->body_len) != CF_OK)
        die("an answer body past CF_MAX_RESPONSE_BODY", NULL);
    cf_response_finish(&r, s->api);
    if (!r.json)
        die("an answer body that is not JSON", a->body);
    const char *ct = cf_headers_get(&r.headers, "content-type");
    if (!ct || !cf_http_media_type_is(ct, spec->resp.content_type))
        die("an answer without the spec's content type", ct);
    if (a->status < 300) {
        if (r.envelope != CF_ENVELOPE_SUCCESS || a->status != spec->resp.success_status)
            die("a 2xx answer that is not the success envelope", a->body);
    } else if (a->status != 404 && a->status != 405) {
        if (r.envelope != CF_ENVELOPE_ERROR || !r.error_code)
            die("an error answer without the error envelope and its code", a->body);
        if (cf_spec_code_status(spec, r.error_code) != a->status)
            die("an error code with another HTTP status than the catalogue's", r.error_code);
    }
    cf_response_cleanup(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > CF_MAX_REQUEST_BODY + CF_MAX_RESPONSE_HEADERS)
        return 0; /* past what the mock reads of one request */
    const served *s = &servers[data[0] % cf_fuzz_spec_count()];
    const char *b = (const char *)data + 1;
    size_t n = size - 1, pos = 0, len;
    const char *line;
    if (!next_line(b, n, &pos, &line, &len))
        return 0;
    /* Request line: METHOD SP TARGET [SP VERSION]. */
    const char *sp = memchr(line, ' ', len);
    if (!sp || sp == line)
        return 0; /* libmicrohttpd answers this itself */
    const char *target = sp + 1;
    const char *sp2 = memchr(target, ' ', len - (size_t)(target - line));
    size_t target_len = sp2 ? (size_t)(sp2 - target) : len - (size_t)(target - line);
    char *method = dup_range(line, (size_t)(sp - line));
    char *path = dup_range(target, target_len);
    cf_headers headers = {0};
    cf_mock_answer a = {0};
    if (!method || !path)
        goto out;
    while (next_line(b, n, &pos, &line, &len) && len > 0) {
        const char *colon = memchr(line, ':', len);
        if (colon && cf_headers_addn(&headers, line, (size_t)(colon - line), colon + 1,
                                     len - (size_t)(colon - line) - 1) == CF_E_NOMEM)
            goto out;
    }
    if (cf_mock_handle(s->mock, method, path, &headers, b + pos, n - pos, &a) == CF_OK)
        check_answer(s, &a);
out:
    cf_mock_answer_cleanup(&a);
    cf_headers_cleanup(&headers);
    free(path);
    free(method);
    return 0;
}
