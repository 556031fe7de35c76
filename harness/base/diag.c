/* diag.c - storage of diagnostics and JSON path helpers. */
#include "base/diag.h"
#include "base/array.h"
#include "base/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"

void cf_diags_init(cf_diags *d)
{
    memset(d, 0, sizeof(*d));
}

void cf_diags_cleanup(cf_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].path);
        free(d->items[i].message);
    }
    free(d->items);
    memset(d, 0, sizeof(*d));
}

void cf_diags_add(cf_diags *d, const char *file, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cf_diags_vadd(d, file, path, fmt, ap);
    va_end(ap);
}

void cf_diags_vadd(cf_diags *d, const char *file, const char *path, const char *fmt, va_list ap)
{
    if (d->count >= CF_MAX_DIAGS) {
        d->dropped++;
        return;
    }
    cf_diag *items = cf_array_reserve(d->items, &d->cap, d->count, sizeof(*items), 8);
    if (!items) {
        d->dropped++;
        return;
    }
    d->items = items;
    cf_buf msg;
    cf_buf_init(&msg, 4096);
    cf_rc rc = cf_buf_vaddf(&msg, fmt, ap);
    cf_diag item = {cf_strdup(file), cf_strdup(path ? path : ""), cf_buf_take(&msg)};
    if (rc != CF_OK || !item.path || !item.message || (file && !item.file)) {
        free(item.file);
        free(item.path);
        free(item.message);
        d->dropped++;
        return;
    }
    d->items[d->count++] = item;
}

size_t cf_diags_total(const cf_diags *d)
{
    return d->count + d->dropped;
}

char *cf_diag_path_key(char *out, size_t n, const char *base, const char *key)
{
    size_t at = (size_t)snprintf(out, n, "%s/", base ? base : "");
    for (const char *k = key; *k && at + 3 < n; k++) {
        if (*k == '~') {
            out[at++] = '~';
            out[at++] = '0';
        } else if (*k == '/') {
            out[at++] = '~';
            out[at++] = '1';
        } else {
            out[at++] = *k;
        }
    }
    if (at >= n)
        at = n - 1;
    out[at] = '\0';
    return out;
}

char *cf_diag_path_index(char *out, size_t n, const char *base, size_t index)
{
    snprintf(out, n, "%s/%zu", base ? base : "", index);
    return out;
}
