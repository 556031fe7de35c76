/* template.h - placeholders in spec strings: {var}, {$generator[:arg]}, {@capture}. */
#ifndef CF_TEMPLATE_H
#define CF_TEMPLATE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/rc.h"

#include "base/bindings.h"

/* Memory: expansion appends to the caller's cf_buf or returns a new cJSON tree in *out that the
 * caller frees with cJSON_Delete() (NULL on failure); the context's bindings are borrowed.
 * cf_template_expand_json_text() hands out the watched string's copy (free() it). */

/* A generator for {$name} / {$name:arg}: appends its text to `out`. Returns CF_E_NOT_FOUND
 * when it does not know `name` (the built-ins are tried next), another error to fail. */
typedef cf_rc (*cf_generator_cb)(void *user, const char *name, const char *arg, cf_buf *out);

typedef struct {
    const cf_bindings *vars;     /* {name}; may be NULL */
    const cf_bindings *captures; /* {@name}; may be NULL */
    cf_generator_cb gen;         /* may be NULL */
    void *gen_user;
} cf_tmpl_ctx;

/* Built-in generators: {$uuid} a fresh random UUID v4; {$now} the current time as
 * ISO 8601 with milliseconds; {$repeat:C:N} the text C repeated N times (N <= 1048576).
 *
 * A placeholder is '{' + optional '$' or '@' + a name of [A-Za-z0-9_.-] (+ ':' + arg for
 * generators) + '}'. Anything else, e.g. "{\"a\"" or "{ }", is literal text; "{{" is a
 * literal '{'. An unknown variable, capture or generator fails with CF_E_NOT_FOUND and a
 * message in err. */
CF_WUR cf_rc cf_template_expand(const char *tmpl, const cf_tmpl_ctx *ctx, cf_buf *out, char *err,
                                size_t errlen);

/* Deep copy of `tmpl` with every string value (not keys) expanded. Caller frees *out. */
CF_WUR cf_rc cf_template_expand_json(const cJSON *tmpl, const cf_tmpl_ctx *ctx, cJSON **out,
                                     char *err, size_t errlen);

/* Appends the JSON text of what cf_template_expand_json() would return, byte for byte as
 * cJSON_PrintUnformatted() prints it, with the same errors, but without building the tree.
 * When `watch` is a string node of `tmpl` and `watched` is not NULL, *watched receives a copy
 * of that string's expansion (caller frees; NULL when none). On failure `out` holds a cut
 * text and *watched is NULL. */
CF_WUR cf_rc cf_template_expand_json_text(const cJSON *tmpl, const cf_tmpl_ctx *ctx, cf_buf *out,
                                          const cJSON *watch, char **watched, char *err,
                                          size_t errlen);

/* Calls `cb` for each placeholder: kind is '\0' for a variable, '$' or '@'; `name` and `arg`
 * are NUL-terminated copies valid during the call (arg "" when none). Used by the linter. */
typedef void (*cf_placeholder_cb)(void *user, char kind, const char *name, const char *arg);
void cf_template_scan(const char *tmpl, cf_placeholder_cb cb, void *user);

/* Whether `name` is a built-in generator. */
int cf_template_is_builtin(const char *name);

#endif
