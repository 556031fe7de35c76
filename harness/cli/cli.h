/* cli.h - the conform subcommands; each returns the process exit status. */
#ifndef CF_CLI_H
#define CF_CLI_H

#include <signal.h>
#include <stddef.h>

#include <stdio.h>

#include "base/diag.h"
#include "check/result.h"
#include "cli/options.h" /* the exit statuses, CF_EXIT_* */
#include "contract/vars.h"
#include "gen/cases.h"
#include "http/transport.h"
#include "suite/suite.h"

int cf_cli_lint(int argc, char **argv);
int cf_cli_list(int argc, char **argv);
int cf_cli_run(int argc, char **argv);
int cf_cli_serve(int argc, char **argv);
int cf_cli_fuzz(int argc, char **argv);

/* Expands SPEC|DIR arguments into a sorted list of spec files (a directory contributes its
 * *.json files, recursively). Memory: free with cf_cli_paths_free(). Returns 0, or 2 after
 * printing what is wrong (missing path, no spec found). */
typedef struct {
    char **items;
    size_t count;
} cf_cli_paths;

int cf_cli_collect_specs(const char *const *args, size_t n, cf_cli_paths *out);
void cf_cli_paths_free(cf_cli_paths *p);
/* Frees and removes from `suites` (keeping the order) each contract another suite of the list
 * stands for: the contract a v2 suite names, the models an overlay names. Run on their own
 * they would run the same operations twice. */
void cf_cli_suites_drop_named(cf_suite **suites, size_t *n);

/* When GITHUB_ACTIONS=true: prints an error annotation per failure group on `out` and appends a
 * Markdown summary to $GITHUB_STEP_SUMMARY (when set). Problems are reported on stderr. */
void cf_cli_github(const cf_run_result *r, FILE *out);

/* Appends to `run` the flags of `conform run` that reproduce this run's outcome for `api`
 * (--target unless the mock; each variable of the contract set by --var or CONFORM_VAR_, secret
 * ones as "${CONFORM_VAR_<NAME>}" references; --proxy, --cacert, --insecure; --timeout,
 * --max-body, --retries when not the defaults) and to `curl` the curl options that match
 * (-x, --cacert, -k, --max-time), every value shell-quoted. A proxy with a user:password is
 * written as "${CONFORM_PROXY}". Returns what cf_buf returns. */
CF_WUR cf_rc cf_cli_rerun_flags(const char *target, const cf_transport_opts *t,
                                const cf_vars_sources *vars, const cf_api *api, cf_buf *run,
                                cf_buf *curl);

/* The value variable `name` gets from --var (the last one wins) or CONFORM_VAR_<NAME>; NULL
 * when neither sets it. Borrowed from `src`. */
const char *cf_cli_var_value(const cf_vars_sources *src, const char *name);

/* Checks the variables given to `conform run` against its suites' contracts, printing each
 * problem: a --var no contract declares, a secret variable given empty (unless its name is in
 * allow_empty). Returns CF_EXIT_OK or CF_EXIT_USAGE. */
int cf_cli_vars_check(cf_suite *const *suites, size_t n, const cf_vars_sources *src,
                      const char *const *allow_empty, size_t allow_count);

/* `all` with only the --var overrides `suite`'s contract declares, printing one note per name
 * skipped. Memory: *own is a new array out->overrides points into (free() it after the run). */
CF_WUR cf_rc cf_cli_vars_for(const cf_suite *suite, const cf_vars_sources *all,
                             cf_vars_sources *out, const char ***own);

/* Whether a --proxy URL names a scheme conform supports (http:// or https://). */
int cf_cli_proxy_scheme_ok(const char *url);

/* Whether the proxy itself cannot be reached (refused, unresolvable, silent), with curl's
 * words in `why`. Called after a run found its target unreachable through the proxy. */
int cf_cli_proxy_refuses(const char *proxy, char *why, size_t n);

/* `proxy` for messages and reports: a user:password@ part becomes <redacted>@. */
void cf_cli_proxy_display(const char *proxy, char *out, size_t n);

/* The option handling `conform run` and `conform fuzz` share (transport_opts.c). Each prints
 * its usage error and returns CF_CLI_EXIT_USAGE, else CF_CLI_GO_ON. */
/* The transport flag p just returned (--cacert, --insecure, --jobs, --max-body, --proxy,
 * --retries, --timeout), checked and set in *t; any other option is left alone. */
cf_cli_status cf_cli_transport_option(const cf_cli_parser *p, cf_transport_opts *t);
/* --target: mock, spec (when allow_spec) or an http(s):// URL, borrowed from argv. */
cf_cli_status cf_cli_target_option(const cf_cli_parser *p, int allow_spec, const char **target);
/* --var NAME=VALUE checked and appended to *vars. Memory: *vars is realloc()ed (free() it);
 * its items are borrowed from argv. */
cf_cli_status cf_cli_var_option(const cf_cli_parser *p, const char ***vars, size_t *n);
/* Makes SIGINT and SIGTERM set the returned flag (for cf_run_opts.stop and cf_fuzz_opts.stop)
 * instead of killing the process, and ignores SIGPIPE. */
volatile sig_atomic_t *cf_cli_catch_interrupts(void);

/* Parses the command line of a command that takes FILE arguments (at least one) and whose only
 * option is --help, the first of its list, into *p (the files end in p->args). Returns
 * CF_CLI_GO_ON, or the exit status (help shown, a usage error, no FILE). */
cf_cli_status cf_cli_parse_files(cf_cli_parser *p, const cf_cli_command *cmd, int argc,
                                 char **argv);

/* Prints diagnostics as "file:path: message" lines on stderr. */
void cf_cli_print_diags(const cf_diags *d);

/* `conform run --generate`: appends each suite's generated cases (run_gen.c) to its `cases`
 * (borrowing from its `generated`), dropping those whose request equals a hand-written single
 * request's, and prints one line on `out`: how many, the seed, the time taken. CF_OK or
 * CF_E_NOMEM. */
CF_WUR cf_rc cf_cli_generate_suites(cf_suite *const *suites, size_t n,
                                    const cf_gen_cases_opts *opts, FILE *out);

#endif
