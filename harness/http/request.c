/* request.c - the serializer: a step's request description -> the HTTP request to send. */
#include "http/request.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/limits.h"

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

/* Expands a template into a new string; NULL on failure with err filled. */
static char *expand(const char *tmpl, const cf_tmpl_ctx *ctx, size_t max, char *err, size_t errlen,
                    cf_rc *rc)
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

/* Adds one header after expansion; CR/LF in the result is refused here, at the source. */
static cf_rc add_header(cf_request *out, const char *name, const char *tmpl, const cf_tmpl_ctx *ctx,
                        char *err, size_t errlen)
{
    cf_rc rc;
    char *value = expand(tmpl, ctx, 64u * 1024u, err, errlen, &rc);
    if (!value) {
        if (rc == CF_E_TOO_LARGE)
            snprintf(err, errlen, "header %s: value longer than 64 KiB", name);
        return rc;
    }
    rc = cf_headers_add(&out->headers, name, value);
    if (rc == CF_E_INVALID)
        snprintf(err, errlen,
                 "header %s: name or value contains CR, LF or NUL (refused: header injection)",
                 name);
    else if (rc != CF_OK)
        snprintf(err, errlen, "header %s: %s", name, cf_strerror(rc));
    free(value);
    return rc;
}

static cf_rc build_headers(const cf_spec *spec, const cf_step *step, const cf_tmpl_ctx *ctx,
                           cf_request *out, char *err, size_t errlen)
{
    /* Operation headers first, unless the step overrides or drops them. */
    for (const cJSON *h = spec->op.headers ? spec->op.headers->child : NULL; h; h = h->next) {
        const cJSON *over =
            step->headers ? cJSON_GetObjectItemCaseSensitive(step->headers, h->string) : NULL;
        if (!over && step->headers) /* header names are case-insensitive */
            for (const cJSON *s = step->headers->child; s && !over; s = s->next)
                if (strcasecmp(s->string, h->string) == 0)
                    over = s;
        if (over)
            continue;
        if (!cJSON_IsString(h))
            continue;
        cf_rc rc = add_header(out, h->string, h->valuestring, ctx, err, errlen);
        if (rc != CF_OK)
            return rc;
    }
    for (const cJSON *s = step->headers ? step->headers->child : NULL; s; s = s->next) {
        if (!cJSON_IsString(s))
            continue; /* null: dropped */
        cf_rc rc = add_header(out, s->string, s->valuestring, ctx, err, errlen);
        if (rc != CF_OK)
            return rc;
    }
    return CF_OK;
}

/* Notes the idempotency token the body carries, if the spec has one and it is a non-empty
 * string: the model knows what it sends, so nobody parses the serialized body to find it. */
static cf_rc note_token(const cf_spec *spec, const cJSON *body, cf_request *out)
{
    if (!spec->idem.enabled || !spec->idem.token || !body)
        return CF_OK;
    const cJSON *token = cf_json_pointer(body, spec->idem.token);
    if (!cJSON_IsString(token) || token->valuestring[0] == '\0')
        return CF_OK;
    out->idem_token = cf_strdup(token->valuestring);
    return out->idem_token ? CF_OK : CF_E_NOMEM;
}

/* The JSON body: example or `body`, with `set` and `remove` applied, strings expanded. */
static cf_rc build_json_body(const cf_spec *spec, const cf_step *step, const cf_tmpl_ctx *ctx,
                             cf_request *out, char *err, size_t errlen)
{
    const cJSON *base = step->body ? step->body : spec->op.example;
    cJSON *body = NULL;
    cf_rc rc = cf_template_expand_json(base, ctx, &body, err, errlen);
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
    out->body = cJSON_PrintUnformatted(body);
    if (!out->body) {
        rc = CF_E_NOMEM;
        goto out;
    }
    out->body_len = strlen(out->body);
    if (out->body_len > CF_MAX_REQUEST_BODY * 2u) {
        snprintf(err, errlen, "request body of %zu bytes is too large to send", out->body_len);
        rc = CF_E_TOO_LARGE;
    }
    if (rc == CF_OK)
        rc = note_token(spec, body, out);
out:
    cJSON_Delete(body);
    return rc;
}

cf_rc cf_request_build(const cf_spec *spec, const cf_step *step, const char *base_url,
                       const cf_tmpl_ctx *ctx, cf_request *out, char *err, size_t errlen)
{
    cf_rc rc = CF_OK;
    memset(out, 0, sizeof(*out));
    if (errlen)
        err[0] = '\0';
    char *base = expand(base_url, ctx, 8192, err, errlen, &rc);
    if (!base)
        goto out;
    if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
        snprintf(err, errlen, "target URL must start with http:// or https://");
        rc = CF_E_INVALID;
        free(base);
        goto out;
    }
    if (strpbrk(base, "\r\n \t")) {
        snprintf(err, errlen, "target URL contains whitespace or CR/LF");
        rc = CF_E_INVALID;
        free(base);
        goto out;
    }
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        base[--blen] = '\0'; /* "http://h/" + "/path" must not become "//path" */
    size_t n = blen + strlen(spec->op.path) + 1;
    out->url = malloc(n);
    if (!out->url) {
        free(base);
        rc = CF_E_NOMEM;
        goto out;
    }
    snprintf(out->url, n, "%s%s", base, spec->op.path);
    free(base);
    out->method = cf_strdup(spec->op.method);
    if (!out->method) {
        rc = CF_E_NOMEM;
        goto out;
    }
    rc = build_headers(spec, step, ctx, out, err, errlen);
    if (rc != CF_OK)
        goto out;
    if (step->no_body)
        goto out;
    if (step->raw_body) {
        out->body = expand(step->raw_body, ctx, CF_MAX_REQUEST_BODY * 2u, err, errlen, &rc);
        if (out->body)
            out->body_len = strlen(out->body);
        /* A raw body is text the case wrote; when it happens to be JSON, its token counts. */
        cJSON *raw = NULL;
        if (out->body &&
            cf_json_parse(out->body, out->body_len, CF_MAX_JSON_DEPTH, &raw, NULL) == CF_OK)
            rc = note_token(spec, raw, out);
        cJSON_Delete(raw);
        goto out;
    }
    rc = build_json_body(spec, step, ctx, out, err, errlen);
out:
    if (rc != CF_OK) {
        if (errlen && err[0] == '\0')
            snprintf(err, errlen, "cannot build the request: %s", cf_strerror(rc));
        cf_request_cleanup(out);
    }
    return rc;
}
