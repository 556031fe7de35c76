/* redact.c - secret masking by value and of pre-signed URL signature parameters. */
#include "base/redact.h"

#include <cjson/cJSON.h>
#include "base/str.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const signed_params[] = {
    "X-Amz-Signature=", "X-Amz-Credential=", "X-Amz-Security-Token="};

void cf_redactor_cleanup(cf_redactor *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        free(r->values[i]);
        free(r->names[i]);
    }
    free(r->values);
    free(r->names);
    memset(r, 0, sizeof(*r));
}

static cf_rc add_value(cf_redactor *r, const char *name, const char *value)
{
    if (!value || !*value)
        return CF_OK;
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->values[i], value) == 0)
            return CF_OK;
    char **values = realloc(r->values, (r->count + 1) * sizeof(*values));
    if (!values)
        return CF_E_NOMEM;
    r->values = values;
    char **names = realloc(r->names, (r->count + 1) * sizeof(*names));
    if (!names)
        return CF_E_NOMEM;
    r->names = names;
    char *v = cf_strdup(value);
    char *n = cf_strdup(name);
    if (!v || !n) {
        free(v);
        free(n);
        return CF_E_NOMEM;
    }
    /* Keep longest first: insertion sort by length. */
    size_t at = r->count;
    while (at > 0 && strlen(r->values[at - 1]) < strlen(v)) {
        r->values[at] = r->values[at - 1];
        r->names[at] = r->names[at - 1];
        at--;
    }
    r->values[at] = v;
    r->names[at] = n;
    r->count++;
    const unsigned char firsts[3] = {(unsigned char)v[0], 'X', 'x'}; /* X-Amz-Signature= ... */
    for (size_t k = 0; k < 3; k++) {
        if (r->starts[firsts[k]])
            continue;
        r->starts[firsts[k]] = 1;
        if (r->start_count < sizeof(r->start_set) - 1)
            r->start_set[r->start_count] = (char)firsts[k];
        r->start_count++;
    }
    return CF_OK;
}

cf_rc cf_redactor_add(cf_redactor *r, const char *name, const char *value)
{
    cf_rc rc = add_value(r, name, value);
    if (rc != CF_OK || !value)
        return rc;
    /* A secret placed in a JSON body is written escaped ("a\"b" for a"b): mask that form too. */
    cJSON *str = cJSON_CreateString(value);
    char *printed = str ? cJSON_PrintUnformatted(str) : NULL;
    cJSON_Delete(str);
    if (!printed)
        return CF_E_NOMEM;
    size_t n = strlen(printed);
    if (n >= 2 && (n - 2 != strlen(value) || memcmp(printed + 1, value, n - 2) != 0)) {
        printed[n - 1] = '\0';
        rc = add_value(r, name, printed + 1);
    }
    free(printed);
    return rc;
}

cf_rc cf_redactor_init(cf_redactor *r, const cf_bindings *vars)
{
    memset(r, 0, sizeof(*r));
    for (size_t i = 0; vars && i < vars->count; i++) {
        if (!vars->items[i].secret)
            continue;
        cf_rc rc = cf_redactor_add(r, vars->items[i].name, vars->items[i].value);
        if (rc != CF_OK) {
            cf_redactor_cleanup(r);
            return rc;
        }
    }
    return CF_OK;
}

/* Length of a signed parameter name starting at p, 0 when none starts there. */
static size_t signed_param_at(const char *p, size_t left)
{
    for (size_t i = 0; i < sizeof(signed_params) / sizeof(signed_params[0]); i++) {
        size_t n = strlen(signed_params[i]);
        if (n <= left && strncasecmp(p, signed_params[i], n) == 0)
            return n;
    }
    return 0;
}

/* Where a URL parameter value ends: '&', quote, whitespace, or a JSON/XML delimiter. */
static size_t param_value_len(const char *p, size_t left)
{
    size_t n = 0;
    while (n < left && !strchr("&\"' \t\r\n<>\\,}]#", p[n]))
        n++;
    return n;
}

/* How many bytes of `secret` start at p: the whole value, or a prefix long enough to give
 * most of it away (servers that cut tokens in messages), else 0. */
static size_t secret_prefix_at(const char *secret, const char *p, size_t left)
{
    size_t n = strlen(secret);
    if (n == 0 || left == 0 || p[0] != secret[0])
        return 0;
    size_t m = 0;
    while (m < n && m < left && p[m] == secret[m])
        m++;
    if (m == n)
        return n;
    size_t enough = n / 2 > CF_REDACT_PREFIX_MIN ? n / 2 : CF_REDACT_PREFIX_MIN;
    return n > CF_REDACT_PREFIX_MIN && m >= enough ? m : 0;
}

/* Offset of the next byte at or after i that is in `set` (len when none). */
static size_t next_candidate(const char *in, size_t i, size_t len, const char *set, size_t n)
{
    size_t next = len;
    for (size_t k = 0; k < n; k++) {
        const char *p = memchr(in + i, set[k], next - i);
        if (p)
            next = (size_t)(p - in);
    }
    return next;
}

cf_rc cf_redact(const cf_redactor *r, const char *in, size_t len, cf_buf *out)
{
    size_t i = 0;
    size_t plain = 0; /* start of the pending unmasked run */
    /* Fast path: most bytes can start neither a secret nor "X-Amz-...=". */
    static const unsigned char signed_starts[256] = {['X'] = 1, ['x'] = 1};
    const unsigned char *starts = r && r->count ? r->starts : signed_starts;
    const char *set = r && r->count ? r->start_set : "Xx";
    size_t set_len = r && r->count ? r->start_count : 2;
    while (i < len) {
        if (!starts[(unsigned char)in[i]]) {
            i = set_len < sizeof(r->start_set) ? next_candidate(in, i, len, set, set_len) : i + 1;
            continue;
        }
        size_t matched = 0;
        const char *label = NULL;
        /* A whole secret wins over a prefix of a longer one (values are longest first). */
        for (size_t k = 0; r && k < r->count && !matched; k++) {
            size_t n = strlen(r->values[k]);
            if (n && n <= len - i && memcmp(in + i, r->values[k], n) == 0) {
                matched = n;
                label = r->names[k];
            }
        }
        for (size_t k = 0; r && k < r->count && !matched; k++) {
            size_t m = secret_prefix_at(r->values[k], in + i, len - i);
            if (m) {
                matched = m;
                label = r->names[k];
            }
        }
        size_t pname = matched ? 0 : signed_param_at(in + i, len - i);
        if (!matched && !pname) {
            i++;
            continue;
        }
        cf_rc rc = cf_buf_add(out, in + plain, i - plain);
        if (rc != CF_OK)
            return rc;
        if (matched) {
            rc = cf_buf_addf(out, "<redacted:%s>", label);
            i += matched;
        } else {
            size_t vlen = param_value_len(in + i + pname, len - i - pname);
            rc = cf_buf_add(out, in + i, pname);
            if (rc == CF_OK)
                rc = cf_buf_adds(out, vlen ? "<redacted>" : "");
            i += pname + vlen;
        }
        if (rc != CF_OK)
            return rc;
        plain = i;
    }
    return cf_buf_add(out, in + plain, len - plain);
}

char *cf_redact_dup(const cf_redactor *r, const char *in, size_t len, size_t max)
{
    cf_buf b;
    cf_buf_init(&b, max);
    if (cf_redact(r, in, len, &b) != CF_OK) {
        cf_buf_free(&b);
        return NULL;
    }
    char *s = cf_buf_take(&b);
    if (!s) {
        s = malloc(1);
        if (s)
            s[0] = '\0';
    }
    return s;
}

int cf_secret_in(const char *secret, const char *text, size_t len)
{
    if (!secret || !secret[0])
        return 0;
    const char *end = text + len;
    for (const char *p = text; p < end; p++) {
        p = memchr(p, secret[0], (size_t)(end - p));
        if (!p)
            return 0;
        if (secret_prefix_at(secret, p, (size_t)(end - p)))
            return 1;
    }
    return 0;
}

int cf_redactor_finds(const cf_redactor *r, const char *text, size_t len)
{
    for (size_t k = 0; r && k < r->count; k++)
        if (cf_secret_in(r->values[k], text, len))
            return 1;
    return 0;
}

/* Masks string values (and keys) of a JSON tree in place; returns how many held a secret. */
static size_t mask_tree(const cf_redactor *r, cJSON *v, int depth)
{
    size_t found = 0;
    if (!v || depth > 256)
        return 0;
    if (cJSON_IsString(v) && v->valuestring) {
        const char *s = v->valuestring;
        if (cf_redactor_finds(r, s, strlen(s))) {
            char *masked = cf_redact_dup(r, s, strlen(s), strlen(s) * 4 + 1024);
            if (!masked || !cJSON_SetValuestring(v, masked))
                cJSON_SetValuestring(v, "<redacted>");
            free(masked);
            found++;
        }
    }
    for (cJSON *c = v->child; c; c = c->next) {
        if (c->string && cf_redactor_finds(r, c->string, strlen(c->string))) {
            /* The copy owns its keys (cJSON_Duplicate never makes them const). */
            char *masked = cf_redact_dup(r, c->string, strlen(c->string), 4096);
            if (masked && !(c->type & cJSON_StringIsConst)) {
                free(c->string);
                c->string = masked;
            } else {
                free(masked);
            }
            found++;
        }
        found += mask_tree(r, c, depth + 1);
    }
    return found;
}

/* Whether any decoded string or key of the tree holds a secret (no copy made). */
static int tree_holds(const cf_redactor *r, const cJSON *v, int depth)
{
    if (!v || depth > 256)
        return 0;
    if (cJSON_IsString(v) && v->valuestring &&
        cf_redactor_finds(r, v->valuestring, strlen(v->valuestring)))
        return 1;
    for (const cJSON *c = v->child; c; c = c->next)
        if ((c->string && cf_redactor_finds(r, c->string, strlen(c->string))) ||
            tree_holds(r, c, depth + 1))
            return 1;
    return 0;
}

cJSON *cf_redact_json(const cf_redactor *r, const cJSON *json)
{
    if (!r || !r->count || !json || !tree_holds(r, json, 0))
        return NULL;
    cJSON *copy = cJSON_Duplicate(json, 1);
    if (!copy)
        return NULL;
    if (mask_tree(r, copy, 0) == 0) {
        cJSON_Delete(copy);
        return NULL;
    }
    return copy;
}
