/* vars.h - the values of a spec's variables for one run: defaults, environment, flags. */
#ifndef CF_VARS_H
#define CF_VARS_H

#include <stddef.h>

#include "contract/spec.h"
#include "contract/template.h"

/* Resolves every variable of `spec` into `out` (which it clears first). Precedence:
 * `overrides` ("NAME=VALUE", e.g. from --var) over the environment variable CONFORM_VAR_<NAME>
 * (upper-cased) over the spec's default. Fails with CF_E_USAGE and a message in err for an
 * override that is not NAME=VALUE or names no variable of the spec, a value with CR/LF/NUL,
 * or a variable left without a value. Secrets are marked in `out`; err never holds a value. */
CF_WUR cf_rc cf_vars_resolve(const cf_spec *spec, const char *const *overrides, size_t n,
                             cf_bindings *out, char *err, size_t errlen);

#endif
