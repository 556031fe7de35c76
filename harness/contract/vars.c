/* vars.c - resolution of variable values: --var, then CONFORM_VAR_<NAME>, then default. */
#include "contract/vars.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX 65536u

/* Finds the override for `name`; returns its value or NULL. */
static const char *find_override(const char *const *overrides, size_t n, const char *name)
{
    size_t len = strlen(name);
    const char *found = NULL;
    for (size_t i = 0; i < n; i++)
        if (strncmp(overrides[i], name, len) == 0 && overrides[i][len] == '=')
            found = overrides[i] + len + 1; /* the last one given wins */
    return found;
}

static int value_ok(const char *v)
{
    return strpbrk(v, "\r\n") == NULL && strlen(v) <= VALUE_MAX;
}

cf_rc cf_vars_resolve(const cf_spec *spec, const char *const *overrides, size_t n, cf_bindings *out,
                      char *err, size_t errlen)
{
    cf_bindings_cleanup(out);
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(overrides[i], '=');
        if (!eq || eq == overrides[i]) {
            snprintf(err, errlen, "--var expects NAME=VALUE, got \"%.40s\"",
                     eq ? "=..." : overrides[i]);
            return CF_E_USAGE;
        }
        char name[128];
        size_t len = (size_t)(eq - overrides[i]);
        if (len >= sizeof(name)) {
            snprintf(err, errlen, "--var: variable name too long");
            return CF_E_USAGE;
        }
        memcpy(name, overrides[i], len);
        name[len] = '\0';
        if (!cf_spec_var(spec, name)) {
            snprintf(err, errlen, "--var %s: %s declares no variable \"%s\"", name, spec->file,
                     name);
            return CF_E_USAGE;
        }
    }
    for (size_t i = 0; i < spec->var_count; i++) {
        const cf_var *v = &spec->vars[i];
        char env_name[160] = "CONFORM_VAR_";
        size_t at = strlen(env_name);
        for (const char *c = v->name; *c && at + 1 < sizeof(env_name); c++)
            env_name[at++] = (char)toupper((unsigned char)*c);
        env_name[at] = '\0';
        const char *value = find_override(overrides, n, v->name);
        const char *source = "--var";
        if (!value) {
            value = getenv(env_name);
            source = env_name;
        }
        if (!value) {
            value = v->default_value;
            source = "the spec's default";
        }
        if (!value) {
            snprintf(err, errlen,
                     "variable \"%s\" has no value: set it with --var %s=VALUE or the "
                     "environment variable %s",
                     v->name, v->name, env_name);
            cf_bindings_cleanup(out);
            return CF_E_USAGE;
        }
        if (!value_ok(value)) {
            snprintf(err, errlen,
                     "variable \"%s\" (from %s) contains CR/LF or is longer than %u bytes", v->name,
                     source, VALUE_MAX);
            cf_bindings_cleanup(out);
            return CF_E_USAGE;
        }
        cf_rc rc = cf_bindings_set(out, v->name, value, v->secret);
        if (rc != CF_OK) {
            snprintf(err, errlen, "out of memory");
            cf_bindings_cleanup(out);
            return rc;
        }
    }
    return CF_OK;
}
