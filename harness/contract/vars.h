/* vars.h - the values of a spec's variables for one run: --var, the environment, defaults. */
#ifndef CF_VARS_H
#define CF_VARS_H

#include <stddef.h>

#include "base/secrets.h"
#include "contract/api.h"

struct cf_spec; /* contract/spec.h: a v1 spec file */

/* Longest variable name accepted in NAME=VALUE, NUL included. */
#define CF_VARS_NAME_MAX 128u
/* Longest variable value accepted, in bytes. */
#define CF_VARS_VALUE_MAX 65536u

/* Where values come from, highest precedence first; every list may be NULL. The library never
 * reads the environment itself: the CLI hands in its CONFORM_VAR_<NAME>=VALUE entries.
 * Memory: borrowed for the call. */
typedef struct {
    const char *const *overrides; /* "NAME=VALUE" (--var); the last one given wins */
    size_t override_count;
    const char *const *env; /* "CONFORM_VAR_<NAME>=VALUE", NAME upper-cased; first one wins */
    size_t env_count;
} cf_vars_sources;

/* The one NAME=VALUE parser (--var of every subcommand, the environment entries): copies NAME
 * into name (name_size bytes) and points *value just past the '='. CF_E_USAGE with a message
 * in err that starts with `what` ("--var") when there is no '=', NAME is empty or too long;
 * err never holds any part of the text, which may be a secret. */
CF_WUR cf_rc cf_vars_parse(const char *what, const char *text, char *name, size_t name_size,
                           const char **value, char *err, size_t errlen);

/* Resolves every variable of `api` (api->vars) into `out`, as cf_vars_resolve() below does for
 * a v1 spec. */
CF_WUR cf_rc cf_vars_resolve_api(const cf_api *api, const cf_vars_sources *src, cf_secrets *out,
                                 char *err, size_t errlen);

/* Resolves every variable of `spec` into `out` (cleared first): its value from an override,
 * else from CONFORM_VAR_<NAME> (upper-cased) in src->env, else the spec's default; secret
 * variables are masked by `out`. Fails with CF_E_USAGE and a message in err for an override
 * that is not NAME=VALUE or names no variable of the spec, a value with CR/LF or longer than
 * CF_VARS_VALUE_MAX, or a variable left without a value; `out` is then empty. err never holds
 * a value. Memory: `out` owns copies; free with cf_secrets_cleanup(). */
CF_WUR cf_rc cf_vars_resolve(const struct cf_spec *spec, const cf_vars_sources *src,
                             cf_secrets *out, char *err, size_t errlen);

#endif
