/* secrets.c - a run's variables and the masking of secrets by value and of pre-signed URL
 * signature parameters. */
#define _GNU_SOURCE /* memmem() */
#include "base/secrets.h"

#include <cjson/cJSON.h>
#include "base/str.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const signed_params[] = {
    "X-Amz-Signature=", "X-Amz-Credential=", "X-Amz-Security-Token="};

void cf_secrets_cleanup(cf_secrets *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        free(r->values[i]);
        free(r->names[i]);
    }
    free(r->values);
    free(r->names);
    cf_bindings_cleanup(&r->vars);
    memset(r, 0, sizeof(*r));
}

static cf_rc add_value(cf_secrets *r, const char *name, const char *value)
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

cf_rc cf_secrets_mask(cf_secrets *r, const char *name, const char *value)
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

cf_rc cf_secrets_set(cf_secrets *s, const char *name, const char *value, int secret)
{
    cf_rc rc = cf_bindings_set(&s->vars, name, value, secret);
    if (rc == CF_OK && secret)
        rc = cf_secrets_mask(s, name, value);
    return rc;
}

cf_rc cf_secrets_init(cf_secrets *s, const cf_bindings *vars)
{
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; vars && i < vars->count; i++) {
        cf_rc rc =
            cf_secrets_set(s, vars->items[i].name, vars->items[i].value, vars->items[i].secret);
        if (rc != CF_OK) {
            cf_secrets_cleanup(s);
            return rc;
        }
    }
    return CF_OK;
}

const cf_bindings *cf_secrets_vars(const cf_secrets *s)
{
    if (!s)
        return NULL;
    return s->base ? &s->base->vars : &s->vars;
}

const char *cf_secrets_get(const cf_secrets *s, const char *name)
{
    return cf_bindings_get(cf_secrets_vars(s), name);
}

cf_rc cf_secrets_with_credential(const cf_secrets *base, const char *cred, size_t len,
                                 cf_secrets *layer)
{
    memset(layer, 0, sizeof(*layer));
    if (base && base->base)
        return CF_E_INVALID;
    layer->base = base;
    if (base) { /* the layer's fast path must stop at the base's values too */
        memcpy(layer->starts, base->starts, sizeof(layer->starts));
        memcpy(layer->start_set, base->start_set, sizeof(layer->start_set));
        layer->start_count = base->start_count;
    }
    if (!cred || len < CF_SECRETS_CREDENTIAL_MIN || cf_secrets_finds(base, cred, len))
        return CF_OK;
    char *value = cf_strndup(cred, len);
    if (!value)
        return CF_E_NOMEM;
    cf_rc rc = cf_secrets_mask(layer, "credential", value);
    free(value);
    if (rc != CF_OK)
        cf_secrets_cleanup(layer);
    return rc;
}

/* Walks the values of an object and its base together, longest first (the base first among
 * equals, as if the layer's values had been added last). */
typedef struct {
    const cf_secrets *own;
    const cf_secrets *base;
    size_t i, j;
} cursor;

static cursor values_of(const cf_secrets *s)
{
    return (cursor){s, s ? s->base : NULL, 0, 0};
}

static int next_value(cursor *c, const char **value, const char **name)
{
    const char *a = c->own && c->i < c->own->count ? c->own->values[c->i] : NULL;
    const char *b = c->base && c->j < c->base->count ? c->base->values[c->j] : NULL;
    if (!a && !b)
        return 0;
    if (b && (!a || strlen(b) >= strlen(a))) {
        *value = b;
        *name = c->base->names[c->j++];
    } else {
        *value = a;
        *name = c->own->names[c->i++];
    }
    return 1;
}

static int has_values(const cf_secrets *s)
{
    return s && (s->count || (s->base && s->base->count));
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

/* How many leading bytes of a secret of n bytes give it away (servers that cut tokens in
 * messages): all of a short one, else half of it but at least CF_SECRETS_PREFIX_MIN. The one
 * rule both the redactor and the echo check apply. */
static size_t secret_giveaway(size_t n)
{
    if (n <= CF_SECRETS_PREFIX_MIN)
        return n;
    return n / 2 > CF_SECRETS_PREFIX_MIN ? n / 2 : CF_SECRETS_PREFIX_MIN;
}

/* How many bytes of `secret` start at p: the whole value, or a prefix long enough to give
 * most of it away, else 0. */
static size_t secret_prefix_at(const char *secret, const char *p, size_t left)
{
    size_t n = strlen(secret);
    if (n == 0 || left == 0 || p[0] != secret[0])
        return 0;
    size_t m = 0;
    while (m < n && m < left && p[m] == secret[m])
        m++;
    return m == n || m >= secret_giveaway(n) ? m : 0;
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

cf_rc cf_secrets_redact(const cf_secrets *r, const char *in, size_t len, cf_buf *out)
{
    size_t i = 0;
    size_t plain = 0; /* start of the pending unmasked run */
    /* Fast path: most bytes can start neither a secret nor "X-Amz-...=". */
    static const unsigned char signed_starts[256] = {['X'] = 1, ['x'] = 1};
    int any = has_values(r);
    const unsigned char *starts = any ? r->starts : signed_starts;
    const char *set = any ? r->start_set : "Xx";
    size_t set_len = any ? r->start_count : 2;
    while (i < len) {
        if (!starts[(unsigned char)in[i]]) {
            i = set_len < sizeof(r->start_set) ? next_candidate(in, i, len, set, set_len) : i + 1;
            continue;
        }
        size_t matched = 0;
        const char *label = NULL;
        /* A whole secret wins over a prefix of a longer one (values are longest first). */
        const char *value, *name;
        for (cursor c = values_of(r); !matched && next_value(&c, &value, &name);) {
            size_t n = strlen(value);
            if (n && n <= len - i && memcmp(in + i, value, n) == 0) {
                matched = n;
                label = name;
            }
        }
        for (cursor c = values_of(r); !matched && next_value(&c, &value, &name);) {
            size_t m = secret_prefix_at(value, in + i, len - i);
            if (m) {
                matched = m;
                label = name;
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

char *cf_secrets_redact_dup(const cf_secrets *r, const char *in, size_t len, size_t max)
{
    cf_buf b;
    cf_buf_init(&b, max);
    if (cf_secrets_redact(r, in, len, &b) != CF_OK) {
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

int cf_secrets_value_in(const char *secret, const char *text, size_t len)
{
    if (!secret || !secret[0])
        return 0;
    /* secret_prefix_at() matches where the secret's give-away prefix does; one memmem()
     * finds that far faster than trying each occurrence of its first byte. */
    size_t need = secret_giveaway(strlen(secret));
    return need <= len && memmem(text, len, secret, need) != NULL;
}

int cf_secrets_finds(const cf_secrets *r, const char *text, size_t len)
{
    const char *value, *name;
    for (cursor c = values_of(r); next_value(&c, &value, &name);)
        if (cf_secrets_value_in(value, text, len))
            return 1;
    return 0;
}

size_t cf_secrets_longest(const cf_secrets *s)
{
    size_t longest = 0;
    const char *value, *name;
    for (cursor c = values_of(s); next_value(&c, &value, &name);)
        if (strlen(value) > longest)
            longest = strlen(value);
    return longest;
}
