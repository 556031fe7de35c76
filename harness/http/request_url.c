/* request_url.c - the URL of a request: the operation's path with its parameters filled in
 * and percent-encoded, and the query string its parameters and the case make. */
#include "http/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"

#define URL_MAX (64u * 1024u)
#define VALUE_MAX (16u * 1024u)

/* Appends `s` percent-encoded (RFC 3986: all but unreserved characters). libcurl's encoder
 * needs no handle. */
static cf_rc add_encoded(cf_buf *b, const char *s, size_t len)
{
    if (len == 0)
        return CF_OK;
    if (len > VALUE_MAX)
        return CF_E_TOO_LARGE;
    char *e = curl_easy_escape(NULL, s, (int)len);
    if (!e)
        return CF_E_NOMEM;
    cf_rc rc = cf_buf_adds(b, e);
    curl_free(e);
    return rc;
}

/* The text of one scalar value: a string is a template, anything else its compact JSON.
 * NULL with *rc set (and err) on failure. */
static char *scalar_text(const cJSON *v, const cf_tmpl_ctx *ctx, char *err, size_t errlen,
                         cf_rc *rc)
{
    *rc = CF_OK;
    if (cJSON_IsString(v))
        return cf_request_expand(v->valuestring, ctx, VALUE_MAX, err, errlen, rc);
    char *s = cf_json_print(v);
    if (!s)
        *rc = CF_E_NOMEM;
    return s;
}

/* The value of path parameter `name`: the step's, else the parameter's example. */
static const cJSON *path_value(const cf_step *step, const cf_api_operation *op, const char *name)
{
    const cJSON *v =
        step->path_params ? cJSON_GetObjectItemCaseSensitive(step->path_params, name) : NULL;
    if (v && !cJSON_IsNull(v))
        return v;
    const cf_api_param *p = cf_api_param_find(op, CF_API_IN_PATH, name);
    if (p && p->example && !cJSON_IsNull(p->example))
        return p->example;
    const cJSON *def = p ? cJSON_GetObjectItemCaseSensitive(p->schema.json, "default") : NULL;
    return def && !cJSON_IsNull(def) ? def : NULL;
}

/* The operation's path with every {name} replaced by its value, percent-encoded. A parameter
 * without a value is the case's error: a literal "{id}" must never reach the wire. */
static cf_rc add_path(cf_buf *b, const cf_step *step, const cf_api_operation *op,
                      const cf_tmpl_ctx *ctx, char *err, size_t errlen)
{
    const char *p = op->path ? op->path : "/";
    cf_rc rc = CF_OK;
    cf_api_path_param pp;
    while (*p && rc == CF_OK) {
        if (cf_api_path_param_next(p, &pp) != 1) /* none left, or an unclosed '{': literal */
            return cf_buf_adds(b, p);
        rc = cf_buf_add(b, p, (size_t)(pp.open - p));
        if (pp.truncated) {
            snprintf(err, errlen, "operation %s: path parameter name longer than %zu bytes", op->id,
                     sizeof(pp.name) - 1);
            return CF_E_INVALID;
        }
        const cJSON *v = path_value(step, op, pp.name);
        if (!v) {
            snprintf(err, errlen,
                     "operation %s: path parameter {%s} has no value; set it in the step's "
                     "\"path\" parameters (e.g. \"%s\": \"{@id}\")",
                     op->id, pp.name, pp.name);
            return CF_E_INVALID;
        }
        char *text = rc == CF_OK ? scalar_text(v, ctx, err, errlen, &rc) : NULL;
        if (text)
            rc = add_encoded(b, text, strlen(text));
        free(text);
        p = pp.after;
    }
    return rc;
}

/* One query pair name=value, both encoded, after '?' or '&'. */
static cf_rc add_pair(cf_buf *b, int *first, const char *name, const char *value)
{
    cf_rc rc = cf_buf_addc(b, *first ? '?' : '&');
    *first = 0;
    if (rc == CF_OK)
        rc = add_encoded(b, name, strlen(name));
    if (rc == CF_OK)
        rc = cf_buf_addc(b, '=');
    return rc == CF_OK ? add_encoded(b, value, strlen(value)) : rc;
}

static char delimiter(cf_api_style style)
{
    return style == CF_API_STYLE_SPACE_DELIMITED  ? ' '
           : style == CF_API_STYLE_PIPE_DELIMITED ? '|'
                                                  : ',';
}

/* Notes the idempotency token a query parameter carries. */
static cf_rc note_query_token(const cf_api_operation *op, const char *name, const char *value,
                              cf_request *out)
{
    if (op->idem.in != CF_API_TOKEN_QUERY || !op->idem.token || strcmp(op->idem.token, name) ||
        !*value || out->idem_token)
        return CF_OK;
    out->idem_token = cf_strdup(value);
    return out->idem_token ? CF_OK : CF_E_NOMEM;
}

/* One parameter's value (style form by default): scalars as name=v; arrays repeated
 * (explode) or joined; objects as their members (explode) or "k,v,k2,v2". */
static cf_rc add_query_value(cf_buf *b, int *first, const cf_api_operation *op, const char *name,
                             const cJSON *v, const cf_tmpl_ctx *ctx, cf_request *out, char *err,
                             size_t errlen)
{
    const cf_api_param *p = cf_api_param_find(op, CF_API_IN_QUERY, name);
    int explode = p ? p->explode : 1;
    char sep[2] = {p ? delimiter(p->style) : ',', '\0'};
    cf_rc rc = CF_OK;
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v)) {
        char *text = scalar_text(v, ctx, err, errlen, &rc);
        if (text)
            rc = add_pair(b, first, name, text);
        if (rc == CF_OK && text)
            rc = note_query_token(op, name, text, out);
        free(text);
        return rc;
    }
    cf_buf joined;
    cf_buf_init(&joined, VALUE_MAX);
    for (const cJSON *e = v->child; e && rc == CF_OK; e = e->next) {
        char *text = scalar_text(e, ctx, err, errlen, &rc);
        if (!text)
            break;
        const char *key = cJSON_IsObject(v) ? e->string : name;
        if (explode)
            rc = add_pair(b, first, key, text);
        else if (cJSON_IsObject(v))
            rc = cf_buf_addf(&joined, "%s%s,%s", joined.len ? "," : "", key, text);
        else
            rc = cf_buf_addf(&joined, "%s%s", joined.len ? sep : "", text);
        free(text);
    }
    if (rc == CF_OK && !explode)
        rc = add_pair(b, first, name, cf_buf_str(&joined));
    cf_buf_free(&joined);
    return rc;
}

/* A parameter given as text (a credential, a token): expanded, then added. */
static cf_rc add_text_param(cf_buf *b, int *first, const cf_api_operation *op, const char *name,
                            const char *tmpl, const cf_tmpl_ctx *ctx, cf_request *out, char *err,
                            size_t errlen)
{
    cf_rc rc;
    char *text = cf_request_expand(tmpl, ctx, VALUE_MAX, err, errlen, &rc);
    if (!text)
        return rc;
    rc = add_pair(b, first, name, text);
    if (rc == CF_OK)
        rc = note_query_token(op, name, text, out);
    free(text);
    return rc;
}

static int step_names(const cf_step *step, const char *name)
{
    return step->query && cJSON_GetObjectItemCaseSensitive(step->query, name) != NULL;
}

static cf_rc add_query(cf_buf *b, const cf_api *api, const cf_step *step, const cf_tmpl_ctx *ctx,
                       cf_request *out, char *err, size_t errlen)
{
    const cf_api_operation *op = step->op;
    int first = 1;
    cf_rc rc = CF_OK;
    for (size_t i = 0; i < op->param_count && rc == CF_OK; i++) {
        const cf_api_param *p = &op->params[i];
        if (p->in != CF_API_IN_QUERY || step_names(step, p->name))
            continue;
        const cJSON *v = p->example;
        if (!v)
            v = cJSON_GetObjectItemCaseSensitive(p->schema.json, "default");
        if (v && !cJSON_IsNull(v)) {
            rc = add_query_value(b, &first, op, p->name, v, ctx, out, err, errlen);
        } else if (op->idem.in == CF_API_TOKEN_QUERY && op->idem.token &&
                   strcmp(op->idem.token, p->name) == 0) {
            rc = add_text_param(b, &first, op, p->name, "{$token}", ctx, out, err, errlen);
        }
    }
    for (const cJSON *q = step->query ? step->query->child : NULL; q && rc == CF_OK; q = q->next) {
        if (cJSON_IsNull(q))
            continue; /* dropped */
        rc = add_query_value(b, &first, op, q->string, q, ctx, out, err, errlen);
    }
    const char *caller = NULL;
    const cf_api_credential *cred = cf_request_credential(api, op, &caller);
    if (rc == CF_OK && cred && cred->in == CF_API_IN_QUERY && !step_names(step, cred->name)) {
        char tmpl[300];
        snprintf(tmpl, sizeof(tmpl), "%s{%s}", cred->prefix ? cred->prefix : "", caller);
        rc = add_text_param(b, &first, op, cred->name, tmpl, ctx, out, err, errlen);
    }
    return rc;
}

cf_rc cf_request_url(const cf_api *api, const cf_step *step, const char *base,
                     const cf_tmpl_ctx *ctx, cf_request *out, char *err, size_t errlen)
{
    cf_buf b;
    cf_buf_init(&b, URL_MAX);
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--; /* "http://h/" + "/path" must not become "//path" */
    cf_rc rc = cf_buf_add(&b, base, blen);
    if (rc == CF_OK)
        rc = add_path(&b, step, step->op, ctx, err, errlen);
    if (rc == CF_OK)
        rc = add_query(&b, api, step, ctx, out, err, errlen);
    if (rc == CF_E_TOO_LARGE && err[0] == '\0')
        snprintf(err, errlen, "operation %s: the URL passes %u bytes", step->op->id, URL_MAX);
    if (rc == CF_OK && !(out->url = cf_buf_take(&b)))
        rc = CF_E_NOMEM;
    cf_buf_free(&b);
    return rc;
}
