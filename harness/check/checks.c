/* checks.c - the named checks a response is held against. */
#include "check/checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/str.h"
#include "base/limits.h"
#include "contract/schema.h"
#include "base/timefmt.h"
#include "base/utf8.h"

#define TEXT_MAX 4096u
#define EXPECTED_MAX 256u /* bytes of an "expected" text a check composes */
#define EXCERPT_MAX 160u  /* bytes of a body shown when it is not the JSON it should be */

typedef struct {
    const cf_check_input *in;
    cf_case_result *out;
    cf_rc rc;
} judge;

/* Records a verdict; `actual` is printf-formatted and redacted before it is stored. */
static void verdict(judge *j, const char *id, int passed, const char *expected, const char *fmt,
                    ...) CF_PRINTF(5, 6);

static void verdict(judge *j, const char *id, int passed, const char *expected, const char *fmt,
                    ...)
{
    if (j->rc != CF_OK)
        return;
    char *actual = NULL;
    char *exp = NULL;
    /* Reports show only the id of a check that held: no text to build or redact for it. */
    if (!passed) {
        cf_buf raw;
        cf_buf_init(&raw, TEXT_MAX * 4);
        va_list ap;
        va_start(ap, fmt);
        cf_rc rc = fmt ? cf_buf_vaddf(&raw, fmt, ap) : CF_OK;
        va_end(ap);
        if (rc == CF_E_TOO_LARGE) { /* a very long actual value: keep its start */
            char head[TEXT_MAX];
            va_start(ap, fmt);
            vsnprintf(head, sizeof(head), fmt, ap);
            va_end(ap);
            cf_buf_init(&raw, TEXT_MAX * 4);
            if (cf_buf_adds(&raw, head) != CF_OK || cf_buf_adds(&raw, "...") != CF_OK)
                cf_buf_init(&raw, TEXT_MAX);
        }
        actual = cf_secrets_redact_dup(j->in->secrets, cf_buf_str(&raw), raw.len, TEXT_MAX * 8);
        cf_buf_free(&raw);
        if (expected)
            exp = cf_secrets_redact_dup(j->in->secrets, expected, strlen(expected), TEXT_MAX * 8);
    }
    j->rc = cf_case_add_check(j->out, id, passed, j->in->label, exp, actual);
    free(actual);
    free(exp);
}

char *cf_checks_value_text(const cJSON *root, const char *pointer)
{
    const cJSON *v = root ? cf_json_pointer(root, pointer) : NULL;
    if (!v)
        return NULL;
    if (cJSON_IsString(v)) {
        size_t n = strlen(v->valuestring) + 1;
        char *s = malloc(n);
        if (s)
            memcpy(s, v->valuestring, n);
        return s;
    }
    return cf_json_print(v);
}

static const char *envelope_name(cf_envelope e)
{
    return e == CF_ENVELOPE_SUCCESS ? "success" : e == CF_ENVELOPE_ERROR ? "error" : "neither";
}

/* Shortened body for messages. The body is redacted before it is cut: cut first, a secret
 * straddling the cut would survive as a prefix the redactor no longer recognises. */
static void body_excerpt(const judge *j, char *out, size_t n)
{
    const cf_response *r = j->in->response;
    const cf_secrets *red = j->in->secrets;
    size_t longest = cf_secrets_longest(red);
    /* Every secret that starts inside the excerpt ends inside this window. */
    size_t window = r->body.len < n + longest ? r->body.len : n + longest;
    cf_buf clean;
    cf_buf_init(&clean, window * 16 + 1024);
    out[0] = '\0';
    if (cf_secrets_redact(red, r->body.ptr ? r->body.ptr : "", window, &clean) != CF_OK) {
        cf_buf_free(&clean);
        return;
    }
    size_t len = clean.len < n - 4 ? clean.len : n - 4;
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        unsigned char c = (unsigned char)clean.ptr[i];
        out[o++] = (c < 0x20 || c == 0x7f) ? '.' : (char)c;
    }
    if ((clean.len > len || r->body.len > window) && o + 3 < n) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    cf_buf_free(&clean);
}

/* A second header of that name whose value differs from the first; NULL when none. A client
 * picks one of two disagreeing single-valued headers, so the response is ambiguous. */
static const char *conflicting_header(const cf_headers *h, const char *name)
{
    const char *first = NULL;
    for (size_t i = 0; i < h->count; i++) {
        if (strcasecmp(h->items[i].name, name) != 0)
            continue;
        if (!first)
            first = h->items[i].value;
        else if (strcmp(first, h->items[i].value) != 0)
            return h->items[i].value;
    }
    return NULL;
}

static void check_schema(judge *j, const cf_schema *schema, const cJSON *body, const char *what)
{
    cf_diags d;
    cf_diags_init(&d);
    size_t n = cf_schema_check(schema, body, CF_SCHEMA_RESPONSE, "", &d);
    if (n == 0) {
        verdict(j, "envelope.shape", 1, NULL, NULL);
    } else {
        /* Messages quote at most 64 bytes of a value: a secret cut there would survive
         * redaction as a prefix, so when the body holds one only the paths are told. */
        const cf_response *r = j->in->response;
        int secret = r->body.len && cf_secrets_finds(j->in->secrets, r->body.ptr, r->body.len);
        cf_buf all;
        cf_buf_init(&all, TEXT_MAX);
        for (size_t i = 0; i < d.count; i++)
            if (cf_buf_addf(&all, "%s%s: %s", i ? "; " : "",
                            d.items[i].path[0] ? d.items[i].path : "/",
                            secret ? "(message withheld: the body holds a secret)"
                                   : d.items[i].message) != CF_OK)
                break;
        char expected[EXPECTED_MAX];
        snprintf(expected, sizeof(expected), "a body matching the %s schema", what);
        verdict(j, "envelope.shape", 0, expected, "%zu violation%s: %s", n, n == 1 ? "" : "s",
                cf_buf_str(&all));
        cf_buf_free(&all);
    }
    cf_diags_cleanup(&d);
}

static void check_rules(judge *j)
{
    const cf_api_operation *op = j->in->op;
    const cJSON *body = j->in->response->json;
    for (size_t i = 0; i < op->rule_count; i++) {
        const cf_api_rule *rule = &op->rules[i];
        const cJSON *a = cf_json_pointer(body, rule->path);
        if (!a)
            continue; /* holds vacuously */
        int64_t ta = 0;
        int ok_a =
            cJSON_IsString(a) && cf_time_parse_rfc3339(a->valuestring, strlen(a->valuestring), &ta);
        if (rule->kind == CF_API_RULE_FUTURE) {
            int held = ok_a && ta > j->in->received_ms;
            char expected[EXPECTED_MAX] = "";
            if (!held) {
                char now[25];
                cf_time_format_millis(j->in->received_ms, now);
                snprintf(expected, sizeof(expected), "%s later than the response time %s",
                         rule->path, now);
            }
            verdict(j, rule->id, held, expected, "%s = %s", rule->path,
                    cJSON_IsString(a) ? a->valuestring : "(not a string)");
            continue;
        }
        const cJSON *b = rule->than ? cf_json_pointer(body, rule->than) : NULL;
        int64_t tb = 0;
        if (!b)
            continue;
        int ok_b =
            cJSON_IsString(b) && cf_time_parse_rfc3339(b->valuestring, strlen(b->valuestring), &tb);
        int held = ok_a && ok_b && ta > tb;
        char expected[EXPECTED_MAX] = "";
        if (!held)
            snprintf(expected, sizeof(expected), "%s later than %s", rule->path, rule->than);
        verdict(j, rule->id, held, expected, "%s = %s, %s = %s", rule->path,
                cJSON_IsString(a) ? a->valuestring : "(not a timestamp)", rule->than,
                cJSON_IsString(b) ? b->valuestring : "(not a timestamp)");
    }
}

/* Whether `resp` is a success the contract lists (not an error response). */
static int lists_success(const cf_api_response *resp)
{
    return resp->role == CF_API_ROLE_NONE &&
           ((resp->kind == CF_API_STATUS_EXACT && resp->status >= 100 && resp->status < 400) ||
            (resp->kind == CF_API_STATUS_RANGE && resp->status >= 1 && resp->status <= 3));
}

/* The response of the contract that judges this answer: the one for its status when it is of
 * the answer's kind, else (a success with an error status, an error with a success status)
 * the first listed success, or the `default` response for an error. NULL when none. */
static const cf_api_response *judging_response(const judge *j, int success)
{
    const cf_api_operation *op = j->in->op;
    const cf_api_response *resp = cf_api_response_for(op, (int)j->in->response->status);
    if (resp && (resp->kind == CF_API_STATUS_DEFAULT ? !success || op->response_count == 1
                                                     : lists_success(resp) == success))
        return resp;
    for (size_t i = 0; i < op->response_count; i++) {
        const cf_api_response *r = &op->responses[i];
        if (success ? lists_success(r) : r->kind == CF_API_STATUS_DEFAULT)
            return r;
    }
    return NULL;
}

/* The compiled schema of the judging response, in the media type that came (else its first);
 * NULL when it gives none. */
static const cf_schema *response_schema(const judge *j, int success)
{
    const cf_api_response *resp = judging_response(j, success);
    if (!resp || resp->content_count == 0)
        return NULL;
    const char *ct = cf_headers_get(&j->in->response->headers, "content-type");
    const cf_api_media *m = cf_api_media_find(resp->content, resp->content_count, ct);
    if (!m)
        m = &resp->content[0];
    return m->schema.json ? m->schema.compiled : NULL;
}

/* status.success: the status is one the contract lists as a success; `default` counts only
 * when no success is listed (a contract with `default` alone). */
static void check_success_status(judge *j)
{
    const cf_api_operation *op = j->in->op;
    long status = j->in->response->status;
    int listed = 0, ok = 0, has_default = 0;
    for (size_t i = 0; i < op->response_count; i++) {
        const cf_api_response *resp = &op->responses[i];
        has_default |= resp->kind == CF_API_STATUS_DEFAULT;
        if (!lists_success(resp))
            continue;
        listed++;
        ok |= resp->kind == CF_API_STATUS_EXACT ? resp->status == status
                                                : resp->status == status / 100;
    }
    /* Nothing listed as a success: any 2xx (or `default`) will do. */
    if (!listed)
        ok = (status >= 200 && status < 300) || has_default;
    /* The expected text is shown only when the check fails. */
    cf_buf want;
    cf_buf_init(&want, EXPECTED_MAX);
    for (size_t i = 0, n = 0; !ok && i < op->response_count; i++) {
        const cf_api_response *resp = &op->responses[i];
        if (!lists_success(resp))
            continue;
        if (cf_buf_addf(&want, "%s%d%s", n++ ? " or " : "HTTP ", resp->status,
                        resp->kind == CF_API_STATUS_RANGE ? "XX" : "") != CF_OK)
            cf_buf_init(&want, EXPECTED_MAX);
    }
    if (!ok && !listed && cf_buf_adds(&want, "a 2xx status") != CF_OK)
        cf_buf_init(&want, EXPECTED_MAX);
    verdict(j, "status.success", ok, cf_buf_str(&want), "HTTP %ld", status);
    cf_buf_free(&want);
}

static void check_success(judge *j)
{
    check_success_status(j);
    const cf_schema *schema = response_schema(j, 1);
    if (schema && j->in->response->json)
        check_schema(j, schema, j->in->response->json, "success");
    check_rules(j);
}

/* "header X" / "body member /p" for every place the list looks, for messages. */
static void describe_locators(const cf_api_locators *l, char *out, size_t n)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < l->count && i < CF_API_MAX_LOCATORS && o < n; i++) {
        const cf_api_locator *loc = &l->at[i];
        int w = snprintf(out + o, n - o, "%s%s %s", i ? ", " : "",
                         loc->pointer ? "body member" : "header",
                         loc->pointer  ? loc->pointer
                         : loc->header ? loc->header
                                       : "?");
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

static void check_error_code(judge *j)
{
    const cf_api *api = j->in->api;
    const cf_api_locators *loc = &api->envelope.code;
    const cf_response *r = j->in->response;
    const char *code = r->error_code;
    const char *other = NULL, *header = NULL;
    for (size_t i = 0; i < loc->count && i < CF_API_MAX_LOCATORS && !other; i++)
        if ((header = loc->at[i].header) != NULL && !loc->at[i].pointer)
            other = conflicting_header(&r->headers, header);
    if (other) {
        verdict(j, "error.code-present", 0, "one error code", "two %s headers disagree: %s and %s",
                header, cf_headers_get(&r->headers, header), other);
        return;
    }
    if (!code || !*code) {
        char where[EXPECTED_MAX];
        describe_locators(loc, where, sizeof(where));
        verdict(j, "error.code-present", 0, where, "no error code in the response (looked at %s)",
                where);
        return;
    }
    verdict(j, "error.code-present", 1, NULL, NULL);
    if (api->error_count == 0)
        return; /* no catalogue: any code is the contract's */
    const cf_api_error *e = cf_api_error_find(api, code);
    verdict(j, "error.code-known", e != NULL, "a code of the catalogue", "\"%s\"", code);
    if (e && e->status) {
        char expected[EXPECTED_MAX];
        snprintf(expected, sizeof(expected), "HTTP %d for %s", e->status, code);
        verdict(j, "status.code-mismatch", r->status == e->status, expected, "HTTP %ld", r->status);
    }
}

static void check_error(judge *j)
{
    const cf_api *api = j->in->api;
    const cf_response *r = j->in->response;
    if (api->envelope.code.count)
        check_error_code(j);
    if (api->envelope.message.count) {
        const char *msg = r->error_message;
        verdict(j, "error.message", msg && *msg, "a non-empty error message", "%s",
                msg ? "an empty message" : "no message");
    }
    if (!r->json)
        return;
    const cf_schema *schema = response_schema(j, 0);
    const cf_api_error *e = r->error_code ? cf_api_error_find(api, r->error_code) : NULL;
    if (!schema && e && e->schema.json)
        schema = e->schema.compiled;
    if (schema)
        check_schema(j, schema, r->json, "error");
}

/* A decoded string (or key) holding the secret: escapes hide it from byte matching. */
static int holds_secret(void *secret, const char *s, size_t len)
{
    return cf_secrets_value_in(secret, s, len);
}

/* The credential header the request carried (the operation's security), NULL when none. */
static const char *sent_credential(const cf_check_input *in)
{
    const char *caller = NULL;
    const cf_api_credential *c = cf_request_credential(in->api, in->op, &caller);
    return c && c->in == CF_API_IN_HEADER ? cf_headers_get(&in->request->headers, c->name) : NULL;
}

/* Whether `value` is the value of a secret variable (which check_echo() has looked for). */
static int is_secret_var(const cf_bindings *vars, const char *value)
{
    for (size_t i = 0; i < vars->count; i++)
        if (vars->items[i].secret && strcmp(vars->items[i].value, value) == 0)
            return 1;
    return 0;
}

/* secrets.echoed: a credential the request carried must not come back anywhere. */
static void check_echo(judge *j)
{
    const cf_request *q = j->in->request;
    const cf_response *r = j->in->response;
    const cf_bindings *vars = cf_secrets_vars(j->in->secrets);
    const char *auth = sent_credential(j->in);
    const char *leaked = NULL;
    /* Without a backslash in the body every decoded string is a substring of it, so the
     * byte match below already saw whatever the decoded strings hold. */
    int escaped = r->body.len && memchr(r->body.ptr, '\\', r->body.len) != NULL;
    for (size_t i = 0; vars && i <= vars->count && !leaked; i++) {
        const char *secret =
            i < vars->count ? (vars->items[i].secret ? vars->items[i].value : NULL) : auth;
        if (!secret || strlen(secret) < 4 || (i == vars->count && is_secret_var(vars, auth)))
            continue; /* the credential is a secret variable's value: looked for already */
        int sent = (auth && strstr(auth, secret)) || (q->body && strstr(q->body, secret)) ||
                   (q->url && strstr(q->url, secret)); /* the short credential first */
        if (!sent)
            continue;
        if (r->body.len && cf_secrets_value_in(secret, r->body.ptr, r->body.len))
            leaked = "the body";
        else if (escaped &&
                 cf_json_any_string(r->json, holds_secret, (void *)secret, CF_MAX_JSON_DEPTH + 1))
            leaked = "the body (JSON-escaped)";
        for (size_t h = 0; h < r->headers.count && !leaked; h++)
            if (cf_secrets_value_in(secret, r->headers.items[h].value,
                                    strlen(r->headers.items[h].value)))
                leaked = r->headers.items[h].name;
    }
    verdict(j, "secrets.echoed", !leaked, "no credential of the request in the response",
            "a credential the request carried came back in %s", leaked ? leaked : "");
}

static int code_allowed(const cf_step *s, const char *code)
{
    for (size_t i = 0; code && i < s->allow_count; i++)
        if (strcmp(s->allow_codes[i], code) == 0)
            return 1;
    return 0;
}

static void check_member_compare(judge *j, const cJSON *map, int want_equal)
{
    const char *id = j->in->step->check ? j->in->step->check
                     : want_equal       ? "expect.equal"
                                        : "expect.not_equal";
    for (const cJSON *m = map ? map->child : NULL; m; m = m->next) {
        cf_buf want;
        cf_buf_init(&want, 1u << 20);
        char err[CF_ERR_MAX] = "";
        cf_rc rc = cf_template_expand(m->valuestring, j->in->ctx, &want, err, sizeof(err));
        char *got = cf_checks_value_text(j->in->response->json, m->string);
        char expected[EXPECTED_MAX];
        /* A long expectation is cut to EXPECTED_MAX: the verdict still names the member. */
        int cut = snprintf(expected, sizeof(expected), "%s %s %s", m->string,
                           want_equal ? "==" : "!=", rc == CF_OK ? cf_buf_str(&want) : err) >=
                  (int)sizeof(expected);
        (void)cut;
        int same = got && rc == CF_OK && strcmp(got, cf_buf_str(&want)) == 0;
        /* equal needs both sides; not_equal holds when either is missing: an absent member, or
         * one an earlier answer never had (it is optional), cannot repeat anything. */
        int held = want_equal ? rc == CF_OK && got && same : !same;
        verdict(j, id, held, expected, "%s = %s", m->string, got ? got : "(absent)");
        free(got);
        cf_buf_free(&want);
    }
}

/* The role an error answer plays: its catalogue code's, else the contract's response for the
 * status, else what the status alone implies (a 404 with a body of {} is not-found). */
static cf_api_role answer_role(const cf_check_input *in)
{
    const cf_response *r = in->response;
    const cf_api_error *e = r->error_code ? cf_api_error_find(in->api, r->error_code) : NULL;
    if (e && e->role != CF_API_ROLE_NONE)
        return e->role;
    const cf_api_response *resp = cf_api_response_for(in->op, (int)r->status);
    if (resp && resp->kind != CF_API_STATUS_DEFAULT && resp->role != CF_API_ROLE_NONE)
        return resp->role;
    return cf_api_role_for_status((int)r->status);
}

/* The status the catalogue gives a code; -1 when it is not in the catalogue. */
static int code_status(const cf_api *api, const char *code)
{
    const cf_api_error *e = code ? cf_api_error_find(api, code) : NULL;
    return e ? e->status : -1;
}

/* Whether the operation takes credentials at all: only then can a case test refusing them. */
static int takes_credentials(const cf_api *api, const cf_api_operation *op)
{
    if (op->security_none)
        return 0;
    const cf_api_security *sets = op->security_count ? op->security : api->security;
    size_t n = op->security_count ? op->security_count : api->security_count;
    for (size_t i = 0; i < n; i++)
        if (sets[i].count)
            return 1;
    return 0;
}

static void check_auth(judge *j)
{
    const cf_api *api = j->in->api;
    const cf_step *s = j->in->step;
    const cf_response *r = j->in->response;
    const char *auth_code = api->roles[CF_API_ROLE_AUTH].code;
    int wants_auth =
        s->role == CF_API_ROLE_AUTH || (s->code && auth_code && strcmp(s->code, auth_code) == 0);
    if (s->outcome != CF_OUTCOME_ERROR || !wants_auth || !takes_credentials(api, j->in->op))
        return;
    verdict(j, "auth.required",
            r->envelope != CF_ENVELOPE_SUCCESS && (r->status < 200 || r->status > 299),
            "a request with missing or bad credentials is refused", "HTTP %ld, %s answer",
            r->status, envelope_name(r->envelope));
}

static void check_expectations(judge *j)
{
    const cf_api *api = j->in->api;
    const cf_step *s = j->in->step;
    const cf_response *r = j->in->response;
    int allowed = r->envelope == CF_ENVELOPE_ERROR && code_allowed(s, r->error_code);
    int server_side = code_status(api, s->code) >= 500 || s->status >= 500 ||
                      s->role == CF_API_ROLE_INTERNAL || s->role == CF_API_ROLE_THROTTLE;
    if (s->outcome == CF_OUTCOME_ERROR && r->status >= 500 && !server_side)
        verdict(j, "status.5xx-on-bad-request", 0, "a 4xx answer to a bad request", "HTTP %ld",
                r->status);
    check_auth(j);
    if (s->outcome != CF_OUTCOME_ANY) {
        cf_envelope want =
            s->outcome == CF_OUTCOME_SUCCESS ? CF_ENVELOPE_SUCCESS : CF_ENVELOPE_ERROR;
        int held = r->envelope == want || allowed;
        char expected[EXPECTED_MAX] = "";
        if (!held)
            snprintf(expected, sizeof(expected), "a %s answer%s%s", envelope_name(want),
                     s->code ? " with code " : "", s->code ? s->code : "");
        verdict(j, "expect.outcome", held, expected, "HTTP %ld, %s answer%s%s", r->status,
                envelope_name(r->envelope), r->error_code ? " with code " : "",
                r->error_code ? r->error_code : "");
    }
    if (s->code && r->envelope == CF_ENVELOPE_ERROR) {
        int ok = (r->error_code && strcmp(r->error_code, s->code) == 0) || allowed;
        verdict(j, "expect.code", ok, s->code, "%s", r->error_code ? r->error_code : "(none)");
    }
    if (s->role != CF_API_ROLE_NONE && r->envelope == CF_ENVELOPE_ERROR) {
        cf_api_role got = answer_role(j->in);
        char expected[EXPECTED_MAX];
        snprintf(expected, sizeof(expected), "a %s error", cf_api_role_name(s->role));
        verdict(j, "expect.role", got == s->role || allowed, expected, "HTTP %ld, a %s error",
                r->status, cf_api_role_name(got));
    }
    if (s->status) {
        char expected[EXPECTED_MAX];
        snprintf(expected, sizeof(expected), "HTTP %d", s->status);
        verdict(j, "expect.status", r->status == s->status || allowed, expected, "HTTP %ld",
                r->status);
    }
    if (r->envelope == CF_ENVELOPE_SUCCESS) {
        check_member_compare(j, s->equal, 1);
        check_member_compare(j, s->not_equal, 0);
    }
}

/* Whether a JSON body is expected: the contract's response type or the documented media say
 * so, or the content-type does. A 204, or a text answer the contract lists, is not judged. */
static int expects_json(const judge *j)
{
    const cf_api *api = j->in->api;
    const cf_response *r = j->in->response;
    const char *ct = cf_headers_get(&r->headers, "content-type");
    if (api->defaults.response_type)
        return strstr(api->defaults.response_type, "json") != NULL;
    if (ct && strstr(ct, "json"))
        return 1;
    const cf_api_response *resp = cf_api_response_for(j->in->op, (int)r->status);
    for (size_t i = 0; resp && i < resp->content_count; i++)
        if (resp->content[i].media_type && strstr(resp->content[i].media_type, "json"))
            return r->body.len > 0 || r->status != 204;
    return 0;
}

static void check_content_type(judge *j)
{
    const cf_api *api = j->in->api;
    const cf_response *r = j->in->response;
    const char *ct = cf_headers_get(&r->headers, "content-type");
    const char *other = conflicting_header(&r->headers, "content-type");
    const char *want = api->defaults.response_type;
    const cf_api_response *resp = want ? NULL : cf_api_response_for(j->in->op, (int)r->status);
    if (!want && (!resp || resp->content_count == 0 || r->body.len == 0))
        return; /* the contract names no media type for this answer */
    const char *shown = want ? want : resp->content[0].media_type;
    if (other) {
        verdict(j, "content-type", 0, shown, "two content-type headers: %s and %s", ct, other);
        return;
    }
    int ok = ct && (want ? cf_http_media_type_is(ct, want)
                         : cf_api_media_find(resp->content, resp->content_count, ct) != NULL);
    verdict(j, "content-type", ok, shown, "%s", ct ? ct : "(no content-type header)");
}

static void check_required_headers(judge *j)
{
    const cf_api *api = j->in->api;
    const cf_response *r = j->in->response;
    char expected[EXPECTED_MAX];
    for (size_t i = 0; i < api->required_header_count; i++) {
        const char *name = api->required_headers[i];
        snprintf(expected, sizeof(expected), "header %s present", name);
        verdict(j, "headers.required", cf_headers_get(&r->headers, name) != NULL, expected,
                "no %s header", name);
    }
    const cf_api_response *resp = cf_api_response_for(j->in->op, (int)r->status);
    for (size_t i = 0; resp && i < resp->header_count; i++) {
        const cf_api_header *h = &resp->headers[i];
        if (!h->required || !h->name)
            continue;
        snprintf(expected, sizeof(expected), "header %s present", h->name);
        verdict(j, "headers.required", cf_headers_get(&r->headers, h->name) != NULL, expected,
                "no %s header", h->name);
    }
}

static void check_json(judge *j)
{
    const cf_response *r = j->in->response;
    if (!r->json && !expects_json(j))
        return;
    if (!r->json) {
        char excerpt[EXCERPT_MAX];
        body_excerpt(j, excerpt, sizeof(excerpt));
        if (r->json_rc == CF_E_TOO_DEEP)
            verdict(j, "json.valid", 0, "one complete JSON value", "nested deeper than %d",
                    CF_MAX_JSON_DEPTH);
        else if (r->body.len == 0)
            verdict(j, "json.valid", 0, "one complete JSON value", "an empty body");
        else
            verdict(j, "json.valid", 0, "one complete JSON value",
                    "not JSON (error at byte %zu): %s", r->json_err_offset, excerpt);
    } else if (cf_utf8_length(r->body.ptr, r->body.len) == (size_t)-1) {
        /* RFC 8259 section 8.1: JSON exchanged between systems is UTF-8; cJSON does not check. */
        verdict(j, "json.valid", 0, "one complete JSON value in UTF-8",
                "the body is not valid UTF-8");
    } else {
        verdict(j, "json.valid", 1, NULL, NULL);
    }
    if (r->json) {
        /* The excerpt is redacted text: made only for the message of a failed check. */
        char excerpt[EXCERPT_MAX] = "";
        if (r->envelope == CF_ENVELOPE_NEITHER)
            body_excerpt(j, excerpt, sizeof(excerpt));
        verdict(j, "envelope.kind", r->envelope != CF_ENVELOPE_NEITHER,
                "a success or an error envelope", "%s", excerpt);
    }
}

cf_rc cf_checks_run(const cf_check_input *in, cf_case_result *out)
{
    judge j = {in, out, CF_OK};
    const cf_response *r = in->response;
    if (r->transport_rc != CF_OK) {
        verdict(&j, "transport.response", 0, "a complete HTTP response", "%s",
                r->transport_error[0] ? r->transport_error : cf_strerror(r->transport_rc));
        if (in->step->outcome != CF_OUTCOME_ANY)
            verdict(&j, "expect.outcome", 0,
                    in->step->outcome == CF_OUTCOME_SUCCESS ? "a success answer"
                                                            : "an error answer",
                    "no response");
        return j.rc;
    }
    verdict(&j, "transport.response", 1, NULL, NULL);
    verdict(&j, "response.size", !r->body_truncated && !r->headers_overflow,
            "body and headers within their bounds", "%s",
            r->body_truncated ? "the body passed its size bound and was cut off"
                              : "the headers passed their size bound");
    long budget = in->op->latency_ms ? in->op->latency_ms : in->api->defaults.latency_ms;
    if (budget > 0) {
        int within = r->elapsed_ms <= (double)budget;
        char expected[EXPECTED_MAX] = ""; /* a check that held shows no text */
        if (!within)
            snprintf(expected, sizeof(expected), "at most %ld ms", budget);
        verdict(&j, "latency.budget", within, expected, "%.0f ms", r->elapsed_ms);
    }
    check_content_type(&j);
    check_required_headers(&j);
    check_json(&j);
    if (r->envelope == CF_ENVELOPE_SUCCESS)
        check_success(&j);
    else if (r->envelope == CF_ENVELOPE_ERROR)
        check_error(&j);
    check_echo(&j);
    check_expectations(&j);
    return j.rc;
}

cf_rc cf_checks_consistent(const cf_step *st, const cf_response *const *responses, size_t n,
                           const cf_secrets *secrets, cf_case_result *out)
{
    for (const cJSON *p = st->consistent ? st->consistent->child : NULL; p; p = p->next) {
        char *first = NULL;
        int same = 1;
        size_t successes = 0;
        cf_buf seen;
        cf_buf_init(&seen, TEXT_MAX);
        for (size_t i = 0; i < n; i++) {
            if (responses[i]->envelope != CF_ENVELOPE_SUCCESS)
                continue;
            successes++;
            char *v = cf_checks_value_text(responses[i]->json, p->valuestring);
            if (cf_buf_addf(&seen, "%s#%zu=%s ", st->name, i + 1, v ? v : "(absent)") != CF_OK)
                cf_buf_init(&seen, TEXT_MAX);
            if (!first)
                first = v ? v : cf_strdup("");
            else {
                if (!v || strcmp(first, v) != 0)
                    same = 0;
                free(v);
            }
        }
        free(first);
        char expected[EXPECTED_MAX];
        snprintf(expected, sizeof(expected), "%s identical in all %zu successful copies",
                 p->valuestring, successes);
        char *actual = cf_secrets_redact_dup(secrets, cf_buf_str(&seen), seen.len, TEXT_MAX * 4);
        cf_rc r = cf_case_add_check(out, st->check ? st->check : "expect.consistent", same,
                                    st->name, expected, same ? NULL : actual);
        free(actual);
        cf_buf_free(&seen);
        if (r != CF_OK)
            return r;
    }
    return CF_OK;
}
