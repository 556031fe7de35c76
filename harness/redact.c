/* redact.c - secret masking by value and of pre-signed URL signature parameters. */
#include "redact.h"
#include "str.h"

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

cf_rc cf_redactor_add(cf_redactor *r, const char *name, const char *value)
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
    return CF_OK;
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

cf_rc cf_redact(const cf_redactor *r, const char *in, size_t len, cf_buf *out)
{
    size_t i = 0;
    size_t plain = 0; /* start of the pending unmasked run */
    while (i < len) {
        size_t matched = 0;
        const char *label = NULL;
        for (size_t k = 0; r && k < r->count && !matched; k++) {
            size_t n = strlen(r->values[k]);
            if (n <= len - i && memcmp(in + i, r->values[k], n) == 0) {
                matched = n;
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

int cf_redactor_finds(const cf_redactor *r, const char *text, size_t len)
{
    for (size_t k = 0; r && k < r->count; k++) {
        size_t n = strlen(r->values[k]);
        for (size_t i = 0; n && i + n <= len; i++)
            if (memcmp(text + i, r->values[k], n) == 0)
                return 1;
    }
    return 0;
}
