/* array.c - growing an array of structs by doubling, in one place. */
#include "base/array.h"

#include <stdint.h>
#include <stdlib.h>

void *cf_array_reserve(void *items, size_t *cap, size_t count, size_t elem, size_t first)
{
    if (count < *cap)
        return items;
    size_t want = *cap ? *cap * 2 : first;
    if (want <= *cap || elem == 0 || want > SIZE_MAX / elem)
        return NULL; /* the size would overflow: no allocation can satisfy it */
    void *grown = realloc(items, want * elem);
    if (grown)
        *cap = want;
    return grown;
}
