/* bindings.h - a name -> value list: a run's variables, a scenario's captures. */
#ifndef CF_BINDINGS_H
#define CF_BINDINGS_H

#include <stddef.h>

#include "base/rc.h"

/* A name -> value list (variables or captures). Memory: owns copies of names and values;
 * zero-initialised is valid and empty; cf_bindings_cleanup() accepts NULL. */
typedef struct {
    char *name;
    char *value;
    int secret; /* 1: the value must be redacted wherever it is written */
} cf_binding;

typedef struct {
    cf_binding *items;
    size_t count;
    size_t cap;
} cf_bindings;

void cf_bindings_cleanup(cf_bindings *b);
/* Adds or replaces `name`. */
CF_WUR cf_rc cf_bindings_set(cf_bindings *b, const char *name, const char *value, int secret);
/* NULL when absent. */
const char *cf_bindings_get(const cf_bindings *b, const char *name);

#endif
