/* lint.c - `conform lint`: checks spec files against the format, every error with its path. */
#include <stdio.h>

#include "cli/cli.h"
#include "contract/aws.h"
#include "contract/spec.h"

static const char usage_head[] =
    "usage: conform lint SPEC|DIR...\n"
    "\n"
    "Checks each spec file against spec format v1 (specs/README.md). Each problem is printed\n"
    "as FILE:JSON-PATH: message. Exit 0 when every file is valid, 2 otherwise.\n";

#define LINT_OPTIONS(X) X(HELP, "help", 'h', no_argument, NULL, "this text")

CF_CLI_COMMAND(lint_command, LINT_OPTIONS, "lint", usage_head, NULL);

/* Parses into *p; the SPEC|DIR arguments end in p->args. Returns CF_CLI_GO_ON, or the exit
 * status (help shown, a usage error, nothing to lint). */
static cf_cli_status parse_args(int argc, char **argv, cf_cli_parser *p)
{
    cf_cli_parser_init(p, &lint_command, argc, argv);
    int id;
    while ((id = cf_cli_parser_next(p)) != CF_CLI_END) {
        switch (id) {
        case CF_CLI_ERROR:
            return CF_CLI_EXIT_USAGE;
        case CF_CLI_ARG:
            break;
        case OPT_HELP:
            return cf_cli_help(p);
        }
    }
    if (p->arg_count == 0) {
        cf_cli_help_print(&lint_command, p->err);
        return CF_CLI_EXIT_USAGE;
    }
    return CF_CLI_GO_ON;
}

/* An AWS model (with the overlay beside it) or an overlay (with the models it names): prints
 * the verdict; returns 1 when the file is bad. */
static int lint_aws(const char *path, cf_aws_file_kind kind)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    size_t models = 0;
    cf_rc rc = kind == CF_AWS_FILE_MODEL ? cf_aws_load_file(path, NULL, &api, &d)
                                         : cf_aws_lint_overlay(path, &models, &d);
    if (rc == CF_OK && api)
        printf("%s: ok (AWS model, %zu operations)\n", path, api->operation_count);
    else if (rc == CF_OK)
        printf("%s: ok (overlay, applied to %zu models)\n", path, models);
    else
        cf_cli_print_diags(&d), fprintf(stderr, "%s: invalid (%zu problems)\n", path,
                                        cf_diags_total(&d) ? cf_diags_total(&d) : 1);
    cf_api_free(api);
    cf_diags_cleanup(&d);
    return rc != CF_OK;
}

int cf_cli_lint(int argc, char **argv)
{
    cf_cli_parser p;
    cf_cli_status st = parse_args(argc, argv, &p);
    if (st != CF_CLI_GO_ON)
        return st;
    cf_cli_paths paths;
    int rc = cf_cli_collect_specs((const char *const *)p.args, p.arg_count, &paths);
    if (rc != CF_EXIT_OK)
        return rc;
    int bad = 0;
    for (size_t i = 0; i < paths.count; i++) {
        cf_aws_file_kind kind = cf_aws_file_kind_of(paths.items[i]);
        if (kind != CF_AWS_FILE_OTHER) {
            bad += lint_aws(paths.items[i], kind);
            continue;
        }
        cf_diags d;
        cf_diags_init(&d);
        cf_spec *spec = NULL;
        cf_rc lrc = cf_spec_load_file(paths.items[i], &spec, &d);
        if (lrc == CF_OK) {
            printf("%s: ok (%zu cases)\n", paths.items[i], spec->case_count);
        } else {
            bad++;
            cf_cli_print_diags(&d);
            if (d.count == 0)
                fprintf(stderr, "%s: %s\n", paths.items[i], cf_strerror(lrc));
            fprintf(stderr, "%s: invalid (%zu problems)\n", paths.items[i],
                    cf_diags_total(&d) ? cf_diags_total(&d) : 1);
        }
        cf_spec_free(spec);
        cf_diags_cleanup(&d);
    }
    cf_cli_paths_free(&paths);
    return bad ? CF_EXIT_USAGE : CF_EXIT_OK;
}
