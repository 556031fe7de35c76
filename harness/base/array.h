/* array.h - the one growth path of every growable array of structs (headers, diagnostics,
 * bindings, results): capacity doubles from a first size, with overflow checked. */
#ifndef CF_ARRAY_H
#define CF_ARRAY_H

#include <stddef.h>

/* Memory: the block returned is the array's (realloc'd) storage, owned and freed by the
 * array's owner; on failure the old block is unchanged and still owned by the caller. */

/* Returns storage with room for one more element: `items` itself while count < *cap, else
 * `items` grown (elements of `elem` bytes) to twice *cap, or to `first` when empty, with *cap
 * updated. NULL when memory ran out or the size would overflow; *cap is then unchanged. */
void *cf_array_reserve(void *items, size_t *cap, size_t count, size_t elem, size_t first);

#endif
