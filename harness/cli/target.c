/* target.c - resolves --target (a base URL, the contract's server or an embedded mock) and
 * hands the environment's variables to the library. */
#include "cli/target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

extern char **environ;

cf_rc cf_cli_target_open(const char *target, const cf_suite *suite, const cf_secrets *secrets,
                         cf_cli_target *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (!target || strcmp(target, "mock") == 0) {
        cf_mock_opts mo;
        cf_mock_opts_init(&mo);
        mo.api = suite->api; /* every operation of the contract (a v1 spec's too) */
        mo.secrets = secrets;
        cf_rc rc = cf_mock_start(&mo, &out->mock, err, errlen);
        if (rc != CF_OK) {
            memset(out, 0, sizeof(*out));
            return rc;
        }
        out->base_url = cf_mock_url(out->mock);
        out->label = "mock (embedded)";
    } else if (strcmp(target, "spec") == 0) {
        const cf_api *api = suite->api;
        if (!api->server_count || !api->servers[0].url) {
            snprintf(err, errlen,
                     "%s names no server URL; pass --target URL instead of --target spec",
                     suite->file ? suite->file : "the contract");
            return CF_E_USAGE;
        }
        out->base_url = api->servers[0].url;
        out->label = "spec";
    } else {
        out->base_url = target;
        out->label = target;
    }
    return CF_OK;
}

void cf_cli_target_close(cf_cli_target *t)
{
    if (!t)
        return;
    cf_mock_stop(t->mock);
    memset(t, 0, sizeof(*t));
}

void cf_cli_env_vars(const char ***out, size_t *n)
{
    static const char prefix[] = "CONFORM_VAR_";
    *out = NULL;
    *n = 0;
    size_t count = 0;
    for (char **e = environ; e && *e; e++)
        count += strncmp(*e, prefix, sizeof(prefix) - 1) == 0;
    if (count == 0 || (*out = calloc(count, sizeof(**out))) == NULL)
        return;
    for (char **e = environ; e && *e; e++)
        if (strncmp(*e, prefix, sizeof(prefix) - 1) == 0)
            (*out)[(*n)++] = *e;
}

cf_rc cf_cli_target_run(const cf_suite *suite, const char *target, const cf_vars_sources *vars,
                        cf_run_opts *opts, cf_run_result *result, char *err, size_t errlen)
{
    cf_secrets secrets = {0};
    cf_cli_target t = {0};
    if (suite->case_count == 0)
        return CF_OK; /* a contract alone, nothing generated: nothing to send */
    cf_rc rc = cf_vars_resolve_api(suite->api, vars, &secrets, err, errlen);
    if (rc == CF_OK)
        rc = cf_cli_target_open(target, suite, &secrets, &t, err, errlen);
    if (rc == CF_OK && !result->target && !(result->target = cf_strdup(t.label)))
        rc = CF_E_NOMEM;
    if (rc == CF_E_NOMEM)
        snprintf(err, errlen, "out of memory");
    if (rc == CF_OK) {
        opts->base_url = t.base_url;
        opts->secrets = &secrets;
        rc = cf_run_suite(suite, opts, result, err, errlen);
        opts->base_url = NULL;
        opts->secrets = NULL;
    }
    cf_cli_target_close(&t);
    cf_secrets_cleanup(&secrets);
    return rc;
}
