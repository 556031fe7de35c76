/* target.h - where `conform run` sends a suite's requests, and the variables it hands in. */
#ifndef CF_CLI_TARGET_H
#define CF_CLI_TARGET_H

#include <stddef.h>

#include "contract/vars.h"
#include "mock/mock.h"
#include "run/runner.h"
#include "suite/suite.h"

/* A resolved --target. Memory: cf_cli_target_close() stops the mock (accepts NULL and a
 * zeroed target); base_url and label are borrowed from the mock, the contract or the --target
 * text, so they live as long as those do. */
typedef struct {
    cf_mock *mock;        /* the embedded mock, for --target mock */
    const char *base_url; /* where requests go */
    const char *label;    /* what the report calls the target */
} cf_cli_target;

/* Resolves `target` ("mock" (NULL too), "spec" (the contract's first server) or a base URL)
 * for `suite`; "mock" starts an embedded mock that knows `secrets`. On failure (the mock
 * cannot start, the contract names no server) err says why and *out is zeroed. */
CF_WUR cf_rc cf_cli_target_open(const char *target, const cf_suite *suite,
                                const cf_secrets *secrets, cf_cli_target *out, char *err,
                                size_t errlen);
void cf_cli_target_close(cf_cli_target *t);

/* The environment's CONFORM_VAR_<NAME>=VALUE entries, for cf_vars_sources.env: the library
 * never reads the environment itself. Memory: *out is a new array (free() it) of pointers
 * into the environment; NULL with *n == 0 when there are none or memory ran out. */
void cf_cli_env_vars(const char ***out, size_t *n);

/* One suite end to end: its variables from `vars` (cf_vars_resolve_api), its target opened,
 * its cases run with `opts` (whose base_url and secrets this sets for the call), the target
 * closed. A suite without cases opens no target. Sets result->target on the first call.
 * Returns what cf_vars_resolve_api, cf_cli_target_open or cf_run_suite returned; err says
 * what. */
CF_WUR cf_rc cf_cli_target_run(const cf_suite *suite, const char *target,
                               const cf_vars_sources *vars, cf_run_opts *opts,
                               cf_run_result *result, char *err, size_t errlen);

#endif
