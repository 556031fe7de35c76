/* headers.c - header lists that refuse injection, and media-type comparison. */
#include "http/headers.h"
#include "base/array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive (ASCII only, whatever the locale) equality of two byte ranges. */
static int ascii_ieq(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return 0;
    return 1;
}

/* RFC 9110 section 5.6.2: tchar. */
static int is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')
        return 1; /* the bytes of nearly every name, without the strchr() */
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int cf_http_is_token(const char *s, size_t len)
{
    if (!s || len == 0)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_tchar((unsigned char)s[i]))
            return 0;
    return 1;
}

/* A value may hold anything but the bytes that would end the line or the string. */
static int value_is_safe(const char *v, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (v[i] == '\r' || v[i] == '\n' || v[i] == '\0')
            return 0;
    return 1;
}

/* The length of a header's name without strlen(): its value starts right after the name's
 * NUL in the same block (append()). Lookups compare every name, a dozen times per request. */
static size_t name_len(const cf_header *it)
{
    return (size_t)(it->value - it->name) - 1;
}

void cf_headers_cleanup(cf_headers *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->count; i++)
        free(h->items[i].name); /* the pair's one allocation: the value too */
    free(h->items);
    h->items = NULL;
    h->count = 0;
    h->cap = 0;
}

/* Stores an already validated pair; the one place the list grows. */
static cf_rc append(cf_headers *h, const char *name, size_t name_len, const char *value,
                    size_t value_len)
{
    if (h->count >= CF_MAX_HEADER_COUNT)
        return CF_E_TOO_LARGE;
    cf_header *items = cf_array_reserve(h->items, &h->cap, h->count, sizeof(*items), 8);
    if (!items)
        return CF_E_NOMEM;
    h->items = items;
    /* Name and value share one allocation, the value right after the name's NUL: a request
     * and its response hold a dozen headers, and each allocation costs as much as the copy. */
    if (name_len > SIZE_MAX - value_len - 2)
        return CF_E_TOO_LARGE;
    char *n = malloc(name_len + value_len + 2);
    if (!n)
        return CF_E_NOMEM;
    memcpy(n, name, name_len);
    n[name_len] = '\0';
    char *v = n + name_len + 1;
    if (value_len)
        memcpy(v, value, value_len);
    v[value_len] = '\0';
    h->items[h->count].name = n;
    h->items[h->count].value = v;
    h->count++;
    return CF_OK;
}

cf_rc cf_headers_add(cf_headers *h, const char *name, const char *value)
{
    if (!name || !value)
        return CF_E_INVALID;
    size_t name_len = strlen(name);
    size_t value_len = strlen(value);
    if (!cf_http_is_token(name, name_len) || !value_is_safe(value, value_len))
        return CF_E_INVALID;
    return append(h, name, name_len, value, value_len);
}

cf_rc cf_headers_addn(cf_headers *h, const char *name, size_t name_len, const char *value,
                      size_t value_len)
{
    if (!name || (!value && value_len))
        return CF_E_INVALID;
    if (!cf_http_is_token(name, name_len))
        return CF_E_INVALID;
    while (value_len && is_ows(value[0])) {
        value++;
        value_len--;
    }
    while (value_len && is_ows(value[value_len - 1]))
        value_len--;
    if (!value_is_safe(value, value_len))
        return CF_E_INVALID;
    return append(h, name, name_len, value ? value : "", value_len);
}

cf_rc cf_headers_extend_last(cf_headers *h, const char *text, size_t len)
{
    if (!h || h->count == 0)
        return CF_E_INVALID;
    cf_header *last = &h->items[h->count - 1];
    size_t name = name_len(last), old = strlen(last->value);
    if (len > SIZE_MAX - name - old - 3)
        return CF_E_TOO_LARGE;
    char *block = realloc(last->name, name + 1 + old + 1 + len + 1);
    if (!block)
        return CF_E_NOMEM;
    last->name = block;
    last->value = block + name + 1;
    last->value[old] = ' ';
    memcpy(last->value + old + 1, text, len);
    last->value[old + 1 + len] = '\0';
    return CF_OK;
}

void cf_headers_remove(cf_headers *h, const char *name)
{
    if (!h || !name)
        return;
    size_t len = strlen(name);
    size_t kept = 0;
    for (size_t i = 0; i < h->count; i++) {
        cf_header *it = &h->items[i];
        if (ascii_ieq(it->name, name_len(it), name, len)) {
            free(it->name); /* and the value, in the same block */
            continue;
        }
        h->items[kept++] = *it;
    }
    h->count = kept;
}

const char *cf_headers_get(const cf_headers *h, const char *name)
{
    if (!h || !name)
        return NULL;
    size_t len = strlen(name);
    for (size_t i = 0; i < h->count; i++)
        if (ascii_ieq(h->items[i].name, name_len(&h->items[i]), name, len))
            return h->items[i].value;
    return NULL;
}

/* The "type/subtype" part of a media type: before any ';', without surrounding OWS. */
static void media_type_range(const char *s, const char **start, size_t *len)
{
    while (is_ows(*s))
        s++;
    const char *end = s;
    while (*end && *end != ';')
        end++;
    while (end > s && is_ows(end[-1]))
        end--;
    *start = s;
    *len = (size_t)(end - s);
}

int cf_http_media_type_is(const char *content_type, const char *want)
{
    if (!content_type || !want)
        return 0;
    const char *a, *b;
    size_t alen, blen;
    media_type_range(content_type, &a, &alen);
    media_type_range(want, &b, &blen);
    return alen > 0 && ascii_ieq(a, alen, b, blen);
}
