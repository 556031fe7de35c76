/* bindings.c - a small name -> value list for variables and captures. */
#include "base/bindings.h"
#include "base/array.h"

#include <stdlib.h>
#include <string.h>

#include "base/str.h"

void cf_bindings_cleanup(cf_bindings *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->count; i++) {
        free(b->items[i].name);
        free(b->items[i].value);
    }
    free(b->items);
    memset(b, 0, sizeof(*b));
}

cf_rc cf_bindings_set(cf_bindings *b, const char *name, const char *value, int secret)
{
    char *v = cf_strdup(value);
    if (!v)
        return CF_E_NOMEM;
    for (size_t i = 0; i < b->count; i++) {
        if (strcmp(b->items[i].name, name) == 0) {
            free(b->items[i].value);
            b->items[i].value = v;
            b->items[i].secret = secret;
            return CF_OK;
        }
    }
    cf_binding *items = cf_array_reserve(b->items, &b->cap, b->count, sizeof(*items), 8);
    if (!items) {
        free(v);
        return CF_E_NOMEM;
    }
    b->items = items;
    char *n = cf_strdup(name);
    if (!n) {
        free(v);
        return CF_E_NOMEM;
    }
    b->items[b->count++] = (cf_binding){n, v, secret};
    return CF_OK;
}

const char *cf_bindings_get(const cf_bindings *b, const char *name)
{
    if (!b)
        return NULL;
    for (size_t i = 0; i < b->count; i++)
        if (strcmp(b->items[i].name, name) == 0)
            return b->items[i].value;
    return NULL;
}
