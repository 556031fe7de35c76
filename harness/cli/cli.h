/* cli.h - the conform subcommands; each returns the process exit status. */
#ifndef CF_CLI_H
#define CF_CLI_H

#include <stddef.h>

#include "base/diag.h"
#include "cli/options.h" /* the exit statuses, CF_EXIT_* */

int cf_cli_lint(int argc, char **argv);
int cf_cli_list(int argc, char **argv);
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
/* Removes (with a note on stderr) the AWS models and overlays among the paths: contracts the
 * v1 runner cannot run by themselves. */
void cf_cli_paths_drop_aws(cf_cli_paths *p);

/* Parses the command line of a command that takes FILE arguments (at least one) and whose only
 * option is --help, the first of its list, into *p (the files end in p->args). Returns
 * CF_CLI_GO_ON, or the exit status (help shown, a usage error, no FILE). */
cf_cli_status cf_cli_parse_files(cf_cli_parser *p, const cf_cli_command *cmd, int argc,
                                 char **argv);

/* Prints diagnostics as "file:path: message" lines on stderr. */
void cf_cli_print_diags(const cf_diags *d);

#endif
