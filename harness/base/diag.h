/* diag.h - a list of diagnostics: what was wrong and where (file, JSON path). */
#ifndef CF_DIAG_H
#define CF_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#include "base/rc.h"

/* One finding. `path` is a JSON Pointer-like path ("/cases/3/request/body"), "" for the root. */
typedef struct {
    char *file;    /* may be NULL when no file is involved */
    char *path;    /* never NULL */
    char *message; /* never NULL; says what is wrong and, where it helps, what to do */
} cf_diag;

/* Memory: the list owns every string; cf_diags_cleanup() frees them (accepts NULL).
 * At most CF_MAX_DIAGS entries are stored; `dropped` counts the rest.
 * Zero-initialised is a valid empty list. */
typedef struct {
    cf_diag *items;
    size_t count;
    size_t cap;
    size_t dropped; /* findings beyond CF_MAX_DIAGS, or lost to an allocation failure */
} cf_diags;

void cf_diags_init(cf_diags *d);
void cf_diags_cleanup(cf_diags *d);
/* Adds a finding; on allocation failure it is counted in `dropped`. Cannot fail otherwise. */
void cf_diags_add(cf_diags *d, const char *file, const char *path, const char *fmt, ...)
    CF_PRINTF(4, 5);
/* The same with a va_list. */
void cf_diags_vadd(cf_diags *d, const char *file, const char *path, const char *fmt, va_list ap);
/* Total findings, stored or dropped. */
size_t cf_diags_total(const cf_diags *d);

/* JSON path building: appends "/key" (escaping '~' and '/' as in RFC 6901) or "/index"
 * to `base` into `out` (size `n`), truncating safely. Returns out. */
char *cf_diag_path_key(char *out, size_t n, const char *base, const char *key);
char *cf_diag_path_index(char *out, size_t n, const char *base, size_t index);

#define CF_PATH_MAX 512

#endif
