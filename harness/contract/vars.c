/* vars.c - resolution of variable values: --var, then CONFORM_VAR_<NAME>, then default. */
#include "contract/vars.h"
#include "contract/spec.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cf_rc cf_vars_parse(const char *what, const char *text, char *name, size_t name_size,
                    const char **value, char *err, size_t errlen)
{
    const char *eq = strchr(text, '=');
    if (!eq) {
        snprintf(err, errlen, "%s expects NAME=VALUE; the argument has no '='", what);
        return CF_E_USAGE;
    }
    size_t len = (size_t)(eq - text);
    if (len == 0) {
        snprintf(err, errlen, "%s expects NAME=VALUE; the NAME before '=' is empty", what);
        return CF_E_USAGE;
    }
    if (len >= name_size) {
        snprintf(err, errlen, "%s expects NAME=VALUE; the NAME is longer than %zu bytes", what,
                 name_size ? name_size - 1 : 0);
        return CF_E_USAGE;
    }
    memcpy(name, text, len);
    name[len] = '\0';
    *value = eq + 1;
    return CF_OK;
}

/* The value `name` has in `list` ("NAME=VALUE" entries, already valid), NULL when absent; the
 * last entry wins when `last`, else the first. */
static const char *find(const char *const *list, size_t n, const char *name, int last)
{
    const char *found = NULL;
    char have[CF_VARS_NAME_MAX + 32];
    char err[256]; /* the message is not used, but must fit: gcc -O3 judges the snprintf */
    for (size_t i = 0; list && i < n && !(found && !last); i++) {
        const char *value = NULL;
        if (cf_vars_parse("", list[i], have, sizeof(have), &value, err, sizeof(err)) == CF_OK &&
            strcmp(have, name) == 0)
            found = value;
    }
    return found;
}

static int value_ok(const char *v)
{
    return strpbrk(v, "\r\n") == NULL && strlen(v) <= CF_VARS_VALUE_MAX;
}

static const cf_api_var *var_find(const cf_api_var *vars, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(vars[i].name, name) == 0)
            return &vars[i];
    return NULL;
}

/* The one resolver behind both entries: `vars` are the declared variables, `file` names their
 * file in messages. */
static cf_rc resolve(const char *file, const cf_api_var *vars, size_t var_count,
                     const cf_vars_sources *src, cf_secrets *out, char *err, size_t errlen)
{
    static const cf_vars_sources none = {NULL, 0, NULL, 0};
    if (!src)
        src = &none;
    cf_secrets_cleanup(out);
    for (size_t i = 0; i < src->override_count; i++) {
        char name[CF_VARS_NAME_MAX];
        const char *value = NULL;
        cf_rc rc =
            cf_vars_parse("--var", src->overrides[i], name, sizeof(name), &value, err, errlen);
        if (rc != CF_OK)
            return rc;
        if (!var_find(vars, var_count, name)) {
            snprintf(err, errlen, "--var %s: %s declares no variable \"%s\"", name,
                     file ? file : "the contract", name);
            return CF_E_USAGE;
        }
    }
    for (size_t i = 0; i < var_count; i++) {
        const cf_api_var *v = &vars[i];
        char env_name[CF_VARS_NAME_MAX + 32] = "CONFORM_VAR_";
        size_t at = strlen(env_name);
        for (const char *c = v->name; *c && at + 1 < sizeof(env_name); c++)
            env_name[at++] = (char)toupper((unsigned char)*c);
        env_name[at] = '\0';
        const char *value = find(src->overrides, src->override_count, v->name, 1);
        const char *source = "--var";
        if (!value) {
            value = find(src->env, src->env_count, env_name, 0);
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
            cf_secrets_cleanup(out);
            return CF_E_USAGE;
        }
        if (!value_ok(value)) {
            snprintf(err, errlen,
                     "variable \"%s\" (from %s) contains CR/LF or is longer than %u bytes", v->name,
                     source, CF_VARS_VALUE_MAX);
            cf_secrets_cleanup(out);
            return CF_E_USAGE;
        }
        cf_rc rc = cf_secrets_set(out, v->name, value, v->secret);
        if (rc != CF_OK) {
            snprintf(err, errlen, "out of memory");
            cf_secrets_cleanup(out);
            return rc;
        }
    }
    return CF_OK;
}

cf_rc cf_vars_resolve_api(const cf_api *api, const cf_vars_sources *src, cf_secrets *out, char *err,
                          size_t errlen)
{
    return resolve(api->file, api->vars, api->var_count, src, out, err, errlen);
}

cf_rc cf_vars_resolve(const cf_spec *spec, const cf_vars_sources *src, cf_secrets *out, char *err,
                      size_t errlen)
{
    cf_api_var *vars = calloc(spec->var_count ? spec->var_count : 1, sizeof(*vars));
    if (!vars) {
        snprintf(err, errlen, "out of memory");
        return CF_E_NOMEM;
    }
    for (size_t i = 0; i < spec->var_count; i++) {
        const cf_var *v = &spec->vars[i];
        vars[i] = (cf_api_var){v->name, v->default_value, v->secret, v->description};
    }
    cf_rc rc = resolve(spec->file, vars, spec->var_count, src, out, err, errlen);
    free(vars);
    return rc;
}
