/* request.c - the serializer: a step on an operation -> the HTTP request to send (headers and
 * body here, the URL in request_url.c). */
#include "http/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"

#define HEADER_VALUE_MAX (64u * 1024u)
#define BODY_TEXT_MAX (64u * 1024u * 1024u) /* a body's JSON text before set_body() bounds it */

void cf_request_cleanup(cf_request *r)
{
    if (!r)
        return;
    free(r->method);
    free(r->url);
    cf_headers_cleanup(&r->headers);
    free(r->body);
    free(r->idem_token);
    memset(r, 0, sizeof(*r));
}

char *cf_request_expand(const char *tmpl, const cf_tmpl_ctx *ctx, size_t max, char *err,
                        size_t errlen, cf_rc *rc)
{
    cf_buf b;
    cf_buf_init(&b, max);
    *rc = cf_template_expand(tmpl, ctx, &b, err, errlen);
    if (*rc != CF_OK) {
        cf_buf_free(&b);
        return NULL;
    }
    char *s = cf_buf_take(&b);
    if (!s) {
        s = cf_strdup("");
        if (!s)
            *rc = CF_E_NOMEM;
    }
    return s;
}

const cf_api_credential *cf_request_credential(const cf_api *api, const cf_api_operation *op,
                                               const char **caller)
{
    *caller = NULL;
    if (!op || op->security_none)
        return NULL;
    const cf_api_security *sets = op->security_count ? op->security : api->security;
    size_t n = op->security_count ? op->security_count : api->security_count;
    /* The first alternative is the one a case sends; the others are equally good. */
    for (size_t k = 0; n && k < sets[0].count; k++) {
        const cf_api_credential *c = sets[0].all[k];
        if (!c || (c->in != CF_API_IN_HEADER && c->in != CF_API_IN_QUERY) || !c->name)
            continue;
        for (size_t i = 0; i < c->caller_count && !*caller; i++)
            *caller = c->callers[i];
        for (size_t i = 0; i < api->var_count && !*caller; i++)
            if (api->vars[i].secret)
                *caller = api->vars[i].name;
        return *caller ? c : NULL;
    }
    return NULL;
}

/* Adds one header after expansion; CR/LF in the result is refused here, at the source. */
static cf_rc add_header(cf_request *out, const char *name, const char *tmpl, const cf_tmpl_ctx *ctx,
                        char *err, size_t errlen)
{
    cf_rc rc;
    /* A template without a placeholder (most send_headers) expands to itself: added as it
     * is, unless it is too long, which expansion reports. */
    char *value = NULL;
    if (strchr(tmpl, '{') || strlen(tmpl) > HEADER_VALUE_MAX) {
        value = cf_request_expand(tmpl, ctx, HEADER_VALUE_MAX, err, errlen, &rc);
        if (!value) {
            if (rc == CF_E_TOO_LARGE)
                snprintf(err, errlen, "header %s: value longer than 64 KiB", name);
            return rc;
        }
    }
    rc = cf_headers_add(&out->headers, name, value ? value : tmpl);
    if (rc == CF_E_INVALID)
        snprintf(err, errlen,
                 "header %s: name or value contains CR, LF or NUL (refused: header injection)",
                 name);
    else if (rc != CF_OK)
        snprintf(err, errlen, "header %s: %s", name, cf_strerror(rc));
    free(value);
    return rc;
}

/* The member of `headers` named `name`, case-insensitively; NULL when none. */
static const cJSON *named(const cJSON *headers, const char *name)
{
    for (const cJSON *h = headers ? headers->child : NULL; h; h = h->next)
        if (h->string && strcasecmp(h->string, name) == 0)
            return h;
    return NULL;
}

/* Whether the request may still get header `name`: the case does not name it (a null drops
 * it, a value replaces it) and nothing added it yet. */
static int header_free(const cf_request *out, const cf_step *step, const char *name)
{
    return !named(step->headers, name) && !cf_headers_get(&out->headers, name);
}

/* The operation's own headers: send_headers, header parameters' examples, the credential and
 * the idempotency token, each unless the case names that header. */
static cf_rc operation_headers(const cf_api *api, const cf_step *step, const cf_tmpl_ctx *ctx,
                               cf_request *out, char *err, size_t errlen)
{
    const cf_api_operation *op = step->op;
    cf_rc rc = CF_OK;
    for (const cJSON *h = op->send_headers ? op->send_headers->child : NULL; h && rc == CF_OK;
         h = h->next)
        if (cJSON_IsString(h) && !named(step->headers, h->string))
            rc = add_header(out, h->string, h->valuestring, ctx, err, errlen);
    for (size_t i = 0; i < op->param_count && rc == CF_OK; i++) {
        const cf_api_param *p = &op->params[i];
        if (p->in == CF_API_IN_HEADER && cJSON_IsString(p->example) &&
            header_free(out, step, p->name))
            rc = add_header(out, p->name, p->example->valuestring, ctx, err, errlen);
    }
    const char *caller = NULL;
    const cf_api_credential *cred = cf_request_credential(api, op, &caller);
    if (rc == CF_OK && cred && cred->in == CF_API_IN_HEADER && header_free(out, step, cred->name)) {
        const char *prefix = cred->prefix                       ? cred->prefix
                             : cred->kind == CF_API_CRED_BEARER ? "Bearer "
                             : cred->kind == CF_API_CRED_BASIC  ? "Basic "
                                                                : "";
        char tmpl[300];
        snprintf(tmpl, sizeof(tmpl), "%s{%s}", prefix, caller);
        rc = add_header(out, cred->name, tmpl, ctx, err, errlen);
    }
    /* A token per case ({$token} is fixed for the case), so a replay step repeats it. */
    if (rc == CF_OK && op->idem.in == CF_API_TOKEN_HEADER && op->idem.token &&
        header_free(out, step, op->idem.token))
        rc = add_header(out, op->idem.token, "{$token}", ctx, err, errlen);
    for (const cJSON *s = step->headers ? step->headers->child : NULL; s && rc == CF_OK;
         s = s->next)
        if (cJSON_IsString(s)) /* null: dropped */
            rc = add_header(out, s->string, s->valuestring, ctx, err, errlen);
    return rc;
}

/* The request media entry: the api's default request type, else the first. NULL: no body. */
static const cf_api_media *request_media(const cf_api *api, const cf_api_operation *op)
{
    if (op->body_count == 0)
        return NULL;
    const char *want = api->defaults.request_type ? api->defaults.request_type : "application/json";
    const cf_api_media *m = cf_api_media_find(op->bodies, op->body_count, want);
    return m ? m : &op->bodies[0];
}

static int is_json_media(const char *m)
{
    if (!m)
        return 1;
    size_t n = strcspn(m, ";");
    while (n && (m[n - 1] == ' ' || m[n - 1] == '\t'))
        n--;
    return cf_http_media_type_is(m, "application/json") ||
           (n >= 5 && strncasecmp(m + n - 5, "+json", 5) == 0);
}

/* Notes the idempotency token the body carries, if the operation has one there and it is a
 * non-empty string: the model knows what it sends, so nobody parses the body to find it. */
static cf_rc note_body_token(const cf_api_operation *op, const cJSON *body, cf_request *out)
{
    if (op->idem.in != CF_API_TOKEN_BODY || !op->idem.token || !body || out->idem_token)
        return CF_OK;
    const cJSON *token = cf_json_pointer(body, op->idem.token);
    if (!cJSON_IsString(token) || token->valuestring[0] == '\0')
        return CF_OK;
    out->idem_token = cf_strdup(token->valuestring);
    return out->idem_token ? CF_OK : CF_E_NOMEM;
}

static cf_rc set_body(cf_request *out, char *text, char *err, size_t errlen)
{
    out->body = text;
    out->body_len = strlen(text);
    if (out->body_len > CF_MAX_REQUEST_BODY * 2u) {
        snprintf(err, errlen, "request body of %zu bytes is too large to send", out->body_len);
        return CF_E_TOO_LARGE;
    }
    return CF_OK;
}

/* The body of a step that neither sets nor removes members: the template's JSON text written
 * with its strings expanded (cf_template_expand_json_text()), as printing the expanded copy
 * would give, without the copy. The token is the expansion of the template's string at the
 * operation's token pointer: a generator such as {$uuid} is expanded once, so the token is
 * the one sent. */
static cf_rc build_json_text(const cJSON *base, const cf_step *step, const cf_tmpl_ctx *ctx,
                             cf_request *out, char *err, size_t errlen)
{
    const cf_api_operation *op = step->op;
    const cJSON *at = op->idem.in == CF_API_TOKEN_BODY && op->idem.token && !out->idem_token
                          ? cf_json_pointer(base, op->idem.token)
                          : NULL;
    char *token = NULL;
    cf_buf text;
    cf_buf_init(&text, BODY_TEXT_MAX);
    cf_rc rc = cf_template_expand_json_text(base, ctx, &text, at, &token, err, errlen);
    if (rc == CF_E_TOO_LARGE && err[0] == '\0')
        snprintf(err, errlen, "request body of more than %u bytes is too large to send",
                 BODY_TEXT_MAX);
    if (rc == CF_OK) {
        char *body = cf_buf_take(&text);
        rc = body ? set_body(out, body, err, errlen) : CF_E_NOMEM;
    }
    cf_buf_free(&text); /* what a failed walk left */
    if (rc == CF_OK && token && token[0] != '\0') {
        out->idem_token = token; /* what note_body_token() takes from a tree */
        token = NULL;
    }
    free(token);
    return rc;
}

/* The JSON body: example or `body`, with `set` and `remove` applied, strings expanded. */
static cf_rc build_json_body(const cJSON *base, const cf_step *step, const cf_tmpl_ctx *ctx,
                             cf_request *out, char *err, size_t errlen)
{
    if (base && !step->set && !step->remove)
        return build_json_text(base, step, ctx, out, err, errlen);
    cJSON *body = NULL;
    cf_rc rc = base ? cf_template_expand_json(base, ctx, &body, err, errlen)
                    : ((body = cJSON_CreateObject()) ? CF_OK : CF_E_NOMEM);
    if (rc != CF_OK)
        return rc;
    for (const cJSON *s = step->set ? step->set->child : NULL; s; s = s->next) {
        cJSON *value = NULL;
        rc = cf_template_expand_json(s, ctx, &value, err, errlen);
        if (rc == CF_OK) {
            rc = cf_json_pointer_set(body, s->string, value);
            if (rc != CF_OK)
                snprintf(err, errlen, "request.set %s: no such place in the body", s->string);
        }
        if (rc != CF_OK)
            goto out;
    }
    for (const cJSON *r = step->remove ? step->remove->child : NULL; r; r = r->next) {
        if (!cJSON_IsString(r))
            continue;
        rc = cf_json_pointer_remove(body, r->valuestring);
        if (rc == CF_E_NOT_FOUND)
            rc = CF_OK; /* removing what is absent leaves the body as the case wants it */
        if (rc != CF_OK) {
            snprintf(err, errlen, "request.remove %s: %s", r->valuestring, cf_strerror(rc));
            goto out;
        }
    }
    char *text = cJSON_PrintUnformatted(body);
    rc = text ? set_body(out, text, err, errlen) : CF_E_NOMEM;
    if (rc == CF_OK)
        rc = note_body_token(step->op, body, out);
out:
    cJSON_Delete(body);
    return rc;
}

static cf_rc build_body(const cf_api *api, const cf_step *step, const cf_tmpl_ctx *ctx,
                        cf_request *out, char *err, size_t errlen)
{
    cf_rc rc = CF_OK;
    if (step->no_body)
        return CF_OK;
    if (step->raw_body) {
        char *text =
            cf_request_expand(step->raw_body, ctx, CF_MAX_REQUEST_BODY * 2u, err, errlen, &rc);
        if (!text)
            return rc;
        rc = set_body(out, text, err, errlen);
        /* A raw body is text the case wrote; when it happens to be JSON, its token counts. */
        cJSON *raw = NULL;
        if (rc == CF_OK &&
            cf_json_parse(out->body, out->body_len, CF_MAX_JSON_DEPTH, &raw, NULL) == CF_OK)
            rc = note_body_token(step->op, raw, out);
        cJSON_Delete(raw);
        return rc;
    }
    const cf_api_media *m = request_media(api, step->op);
    const cJSON *base = step->body ? step->body : m ? m->example : NULL;
    if (!base && !step->set && !(m && step->op->body_required))
        return CF_OK; /* the operation takes no body, or the case gives none */
    if (m && !is_json_media(m->media_type) && cJSON_IsString(base) && !step->set) {
        char *text =
            cf_request_expand(base->valuestring, ctx, CF_MAX_REQUEST_BODY * 2u, err, errlen, &rc);
        return text ? set_body(out, text, err, errlen) : rc;
    }
    return build_json_body(base, step, ctx, out, err, errlen);
}

/* The body's media type, unless the case names Content-Type (null drops it on purpose). */
static cf_rc content_type(const cf_api *api, const cf_step *step, cf_request *out)
{
    if (!out->body || !header_free(out, step, "content-type"))
        return CF_OK;
    const cf_api_media *m = request_media(api, step->op);
    const char *type = m && !strchr(m->media_type, '*') ? m->media_type : "application/json";
    return cf_headers_add(&out->headers, "Content-Type", type);
}

/* The token a header carries (op->idem in a header). */
static cf_rc note_header_token(const cf_api_operation *op, cf_request *out)
{
    if (op->idem.in != CF_API_TOKEN_HEADER || !op->idem.token || out->idem_token)
        return CF_OK;
    const char *v = cf_headers_get(&out->headers, op->idem.token);
    if (!v || !*v)
        return CF_OK;
    out->idem_token = cf_strdup(v);
    return out->idem_token ? CF_OK : CF_E_NOMEM;
}

static cf_rc check_base(const char *base, char *err, size_t errlen)
{
    if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
        snprintf(err, errlen, "target URL must start with http:// or https://");
        return CF_E_INVALID;
    }
    if (strpbrk(base, "\r\n \t")) {
        snprintf(err, errlen, "target URL contains whitespace or CR/LF");
        return CF_E_INVALID;
    }
    return CF_OK;
}

cf_rc cf_request_build(const cf_api *api, const cf_step *step, const char *base_url,
                       const cf_tmpl_ctx *ctx, cf_request *out, char *err, size_t errlen)
{
    cf_rc rc = CF_OK;
    memset(out, 0, sizeof(*out));
    if (errlen)
        err[0] = '\0';
    if (!step->op) {
        snprintf(err, errlen, "step %s names no operation of the contract",
                 step->name ? step->name : "?");
        return CF_E_INVALID;
    }
    char *base = cf_request_expand(base_url, ctx, 8192, err, errlen, &rc);
    if (base)
        rc = check_base(base, err, errlen);
    if (rc == CF_OK)
        rc = cf_request_url(api, step, base, ctx, out, err, errlen);
    free(base);
    if (rc == CF_OK && !(out->method = cf_strdup(step->method ? step->method : step->op->method)))
        rc = CF_E_NOMEM;
    if (rc == CF_OK)
        rc = operation_headers(api, step, ctx, out, err, errlen);
    if (rc == CF_OK)
        rc = build_body(api, step, ctx, out, err, errlen);
    if (rc == CF_OK)
        rc = content_type(api, step, out);
    if (rc == CF_OK)
        rc = note_header_token(step->op, out);
    if (rc != CF_OK) {
        if (errlen && err[0] == '\0')
            snprintf(err, errlen, "cannot build the request: %s", cf_strerror(rc));
        cf_request_cleanup(out);
    }
    return rc;
}
