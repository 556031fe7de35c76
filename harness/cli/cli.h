/* cli.h - the conform subcommands; each returns the process exit status. */
#ifndef CF_CLI_H
#define CF_CLI_H

#include <stddef.h>

#include <stdio.h>

#include "base/diag.h"
#include "check/result.h"
#include "cli/options.h" /* the exit statuses, CF_EXIT_* */
#include "contract/vars.h"
#include "http/transport.h"

int cf_cli_lint(int argc, char **argv);
int cf_cli_run(int argc, char **argv);
int cf_cli_serve(int argc, char **argv);

/* Expands SPEC|DIR arguments into a sorted list of spec files (a directory contributes its
 * *.json files, recursively). Memory: free with cf_cli_paths_free(). Returns 0, or 2 after
 * printing what is wrong (missing path, no spec found). */
typedef struct {
    char **items;
    size_t count;
} cf_cli_paths;

int cf_cli_collect_specs(const char *const *args, size_t n, cf_cli_paths *out);
void cf_cli_paths_free(cf_cli_paths *p);

/* When GITHUB_ACTIONS=true: prints an error annotation per failure group on `out` and appends a
 * Markdown summary to $GITHUB_STEP_SUMMARY (when set). Problems are reported on stderr. */
void cf_cli_github(const cf_run_result *r, FILE *out);

/* Appends to `run` the flags of `conform run` that reproduce this run's outcome for `spec`
 * (--target unless the mock; each variable of the spec set by --var or CONFORM_VAR_, secret
 * ones as "${CONFORM_VAR_<NAME>}" references; --proxy, --cacert, --insecure; --timeout,
 * --max-body, --retries when not the defaults) and to `curl` the curl options that match
 * (-x, --cacert, -k, --max-time), every value shell-quoted. A proxy with a user:password is
 * written as "${CONFORM_PROXY}". Returns what cf_buf returns. */
CF_WUR cf_rc cf_cli_rerun_flags(const char *target, const cf_transport_opts *t,
                                const cf_vars_sources *vars, const cf_spec *spec, cf_buf *run,
                                cf_buf *curl);

/* Prints diagnostics as "file:path: message" lines on stderr. */
void cf_cli_print_diags(const cf_diags *d);

#endif
