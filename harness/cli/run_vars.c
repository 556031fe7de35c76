/* run_vars.c - the variables `conform run` was given, checked against the suites it runs. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* NAME of a "NAME=VALUE" override; 0 when it is not one (the parser has refused it already). */
static int override_name(const char *text, char *name, size_t n, const char **value)
{
    return cf_vars_parse("--var", text, name, n, value, NULL, 0) == CF_OK;
}

const char *cf_cli_var_value(const cf_vars_sources *src, const char *name)
{
    const char *found = NULL, *value;
    char n[CF_VARS_NAME_MAX];
    for (size_t i = 0; i < src->override_count; i++)
        if (override_name(src->overrides[i], n, sizeof(n), &value) && strcmp(n, name) == 0)
            found = value;
    if (found)
        return found;
    for (size_t i = 0; i < src->env_count; i++) {
        const char *e = src->env[i];
        if (strncmp(e, "CONFORM_VAR_", 12) != 0)
            continue;
        size_t k = 0;
        for (e += 12; name[k] && toupper((unsigned char)name[k]) == (unsigned char)e[k]; k++)
            ;
        if (!name[k] && e[k] == '=')
            return e + k + 1;
    }
    return NULL;
}

static int allowed(const char *name, const char *const *allow, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(allow[i], name) == 0)
            return 1;
    return 0;
}

int cf_cli_vars_check(cf_suite *const *suites, size_t n, const cf_vars_sources *src,
                      const char *const *allow_empty, size_t allow_count)
{
    int rc = CF_EXIT_OK;
    char name[CF_VARS_NAME_MAX];
    const char *value;
    /* A --var that no spec declares is a typo, not a variable of some other spec. */
    for (size_t i = 0; i < src->override_count; i++) {
        if (!override_name(src->overrides[i], name, sizeof(name), &value))
            continue;
        int declared = 0;
        for (size_t s = 0; s < n && !declared; s++)
            declared = cf_api_var_find(suites[s]->api, name) != NULL;
        if (!declared) {
            fprintf(stderr, "conform run: --var %s: no spec declares a variable %s\n", name, name);
            rc = CF_EXIT_USAGE;
        }
    }
    /* An empty secret is an unset CI secret far more often than a test of empty credentials;
     * every case would fail with 401/403 for a reason the reports cannot show. */
    for (size_t s = 0; s < n; s++)
        for (size_t v = 0; v < suites[s]->api->var_count; v++) {
            const cf_api_var *var = &suites[s]->api->vars[v];
            const char *val = cf_cli_var_value(src, var->name);
            if (!var->secret || !val || *val || allowed(var->name, allow_empty, allow_count))
                continue;
            fprintf(stderr,
                    "conform run: secret variable %s is empty (an unset CI secret?) in %s; set "
                    "it, or pass --allow-empty-var %s to send it empty\n",
                    var->name, suites[s]->file, var->name);
            rc = CF_EXIT_USAGE;
        }
    return rc;
}

cf_rc cf_cli_vars_for(const cf_suite *suite, const cf_vars_sources *all, cf_vars_sources *out,
                      const char ***own)
{
    *out = *all;
    *own = calloc(all->override_count ? all->override_count : 1, sizeof(**own));
    if (!*own)
        return CF_E_NOMEM;
    out->overrides = *own;
    out->override_count = 0;
    char name[CF_VARS_NAME_MAX];
    const char *value;
    for (size_t i = 0; i < all->override_count; i++) {
        if (override_name(all->overrides[i], name, sizeof(name), &value) &&
            !cf_api_var_find(suite->api, name)) {
            /* One note per spec and name, however often it was given. */
            int seen = 0;
            for (size_t k = 0; k < i && !seen; k++) {
                char other[CF_VARS_NAME_MAX];
                seen = override_name(all->overrides[k], other, sizeof(other), &value) &&
                       strcmp(other, name) == 0;
            }
            if (!seen)
                fprintf(stderr,
                        "conform run: note: %s declares no variable %s; --var %s is "
                        "skipped for it\n",
                        suite->file, name, name);
            continue;
        }
        (*own)[out->override_count++] = all->overrides[i];
    }
    return CF_OK;
}
